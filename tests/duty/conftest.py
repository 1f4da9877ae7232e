"""A known dataset for the village assessment, over the first quarter of 2026.

Village A (东河口村):
- petitions: P1 replied on time and rated satisfied; P2 replied late and rated dissatisfied;
  P3 a repeat petition; P4 skip-level (February) — replied 2, on time 1, rated 2, satisfied 1,
  repeat 1, skip-level 1;
- mediation room A: agreed 2, partly agreed 1, failed 1 (concluded 4, agreed 3), one still in
  mediation, one agreed case of 2025 (outside the period);
- risks: 4 found in the quarter — resolved on the spot, sent to mediation and agreed, sent to
  mediation and failed, still open (defused 2) — and one of 2025.
Village B (长岭村): P5 replied on time, rated satisfied; a skip-level petition in 2025 only.
Village C: nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from core.models import Village
from mediation import services as mediation_services
from mediation.models import MediationCase
from mediation.states import DisputeKind, Source
from mediation.states import State as CaseState
from patrols.models import Risk
from petitions.services import Flags
from petitions.states import Action, Satisfaction, State
from tests.factories import UserFactory, VillageFactory
from tests.petitions.conftest import *  # noqa: F403
from tests.petitions.conftest import SHANGHAI, VILLAGE

Q1 = "2026-Q1"
TODAY = date(2026, 3, 20)


@dataclass
class Dataset:
    village_a: Village
    village_b: Village
    village_c: Village
    numbers: dict[str, str]


def _case(room, number: str, state: str, day: date) -> MediationCase:
    return MediationCase.objects.create(
        room=room,
        tracking_number=number,
        source=Source.WALK_IN,
        dispute_kind=DisputeKind.NEIGHBOURS,
        summary="邻里纠纷",
        state=state,
        registered_at=datetime.combine(day, time(9), SHANGHAI),
    )


def _risk(village, grid, reporter, day: date, state: str, case=None) -> Risk:
    return Risk.objects.create(
        town=village.town,
        village=village,
        grid=grid,
        reported_by=reporter,
        found_on=day,
        kind=Risk.Kind.NEIGHBOURS,
        level=Risk.Level.LOW,
        place="三组",
        parties="张某与李某",
        description="宅基地边界争议",
        state=state,
        mediation_case=case,
    )


@pytest.fixture
def dataset(clock, town, register, walk, act, units, desk_clerk, handler, village_a, village_b, grid_a, grid_worker_a):
    numbers = {}
    # 2025: a skip-level petition of village B (last year: does not cost this year's title)
    clock.set(date(2025, 11, 3))
    numbers["old_b"] = register(title="去年越级", village=village_b, flags=Flags(skip_level=True)).tracking_number
    # P2: registered in January, replied late in March, rated dissatisfied
    clock.set(date(2026, 1, 5))
    p2 = act(Action.ASSIGN, register(title="P2"), desk_clerk)
    # P5: village B, replied on time in January, satisfied
    clock.set(date(2026, 1, 12))
    p5 = walk(register(title="P5", village=village_b), State.REPLIED)
    clock.set(date(2026, 1, 20))
    p5 = act(Action.FOLLOW_UP, p5, desk_clerk)
    # P4: skip-level, February
    clock.set(date(2026, 2, 10))
    numbers["p4"] = register(title="P4", flags=Flags(skip_level=True)).tracking_number
    # P1: on time, satisfied
    clock.set(date(2026, 3, 2))
    p1 = walk(register(title="P1"), State.REPLIED, via=VILLAGE)
    clock.set(date(2026, 3, 4))
    act(Action.FOLLOW_UP, p1, desk_clerk)
    # P3: a repeat petition
    clock.set(date(2026, 3, 10))
    numbers["p3"] = register(title="P3", flags=Flags(repeat=True)).tracking_number
    # P2 replied late (handle-by date 2026-03-06), then rated dissatisfied (not the unit's fault)
    clock.set(date(2026, 3, 16))
    p2 = act(Action.NOTIFY, p2, handler)
    p2 = act(Action.REPLY, p2, handler)
    assert p2.handle_due < date(2026, 3, 16)
    clock.set(date(2026, 3, 17))
    act(Action.FOLLOW_UP, p2, desk_clerk, satisfaction=Satisfaction.DISSATISFIED)

    rooms = {room.village_id: room for room in mediation_services.rooms_ensure(town=town)}
    room_a = rooms[village_a.pk]
    _case(room_a, "M-OLD", CaseState.AGREED, date(2025, 12, 20))
    agreed = _case(room_a, "M-1", CaseState.AGREED, date(2026, 1, 8))
    _case(room_a, "M-2", CaseState.AGREED, date(2026, 2, 8))
    _case(room_a, "M-3", CaseState.PARTLY_AGREED, date(2026, 3, 1))
    failed = _case(room_a, "M-4", CaseState.FAILED, date(2026, 3, 2))
    _case(room_a, "M-5", CaseState.IN_MEDIATION, date(2026, 3, 15))

    _risk(village_a, grid_a, grid_worker_a, date(2025, 12, 30), Risk.State.RESOLVED)
    _risk(village_a, grid_a, grid_worker_a, date(2026, 1, 3), Risk.State.RESOLVED)
    _risk(village_a, grid_a, grid_worker_a, date(2026, 1, 4), Risk.State.MEDIATION, agreed)
    _risk(village_a, grid_a, grid_worker_a, date(2026, 3, 1), Risk.State.MEDIATION, failed)
    _risk(village_a, grid_a, grid_worker_a, date(2026, 3, 18), Risk.State.OPEN)

    village_c = VillageFactory(town=town, code="341502105299", name="测试村委会")
    clock.set(TODAY)
    return Dataset(village_a=village_a, village_b=village_b, village_c=village_c, numbers=numbers)


@pytest.fixture
def other_town_leader(db):
    from tests.factories import TownFactory

    other = TownFactory(code="341502106", name="别的镇", tracking_prefix="BDZ")
    return UserFactory(username="other_leader", role="leader", town=other)


@pytest.fixture
def leader2(town):
    return UserFactory(username="leader2", full_name="李镇长", role="leader", town=town, title="镇长")


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The tests read the English msgids: pages through the language cookie, services and
    selectors through the active language, so the zh_Hans catalogue cannot break them."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
