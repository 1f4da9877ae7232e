"""The demo year of village mediation: the article's 29 rooms and 840+ disputes, every case
a believable walk through the lifecycle table the services enforce."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from desk.demo import build_demo
from mediation.demo import seed_mediation
from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    MediationCase,
    MediationCounter,
    MediationRoom,
    MediationSession,
    RoomMember,
)
from mediation.selectors import room_composition_warnings
from mediation.states import AGREEMENT_STATES, OPEN_STATES, UNFINISHED_STATES, Action, Source, State
from mediation.transitions import allowed_targets
from petitions.models import Petition

TODAY = date(2026, 11, 26)
YEAR_START = date(2026, 1, 1)
SEED = 2026


def seed(town, seed_value=SEED):
    return seed_mediation(town=town, year_start=YEAR_START, today=TODAY, seed=seed_value)


@pytest.fixture
def demo(db):
    result = build_demo(seed=SEED, today=TODAY).mediation  # seed_demo seeds the rooms too
    assert result.cases == 845
    return result


def test_29_rooms_each_with_5_to_7_members_a_chair_and_a_woman(demo):
    assert demo.rooms == 29
    assert MediationRoom.objects.count() == 29
    sizes = RoomMember.objects.values("room").annotate(n=Count("id")).values_list("n", flat=True)
    assert len(sizes) == 29 and all(5 <= n <= 7 for n in sizes)
    for room in MediationRoom.objects.all():
        assert room_composition_warnings(room, on=TODAY) == [], room.name
        assert room.opening_hours and room.address
    linked = RoomMember.objects.exclude(user=None)
    assert linked.count() == 29 * 3  # the three demo mediator accounts of each village
    assert all(m.user.village_id == m.room.village_id for m in linked.select_related("user", "room"))


def test_845_cases_this_year_mostly_agreed(demo):
    cases = MediationCase.objects.all()
    assert cases.count() == 845
    registered = [timezone.localdate(at) for at in cases.values_list("registered_at", flat=True)]
    assert min(registered) >= YEAR_START and max(registered) <= TODAY
    numbers = sorted(cases.values_list("tracking_number", flat=True))
    assert numbers == [f"DHK-TJ-2026-{n:06d}" for n in range(1, 846)]
    assert MediationCounter.objects.get(year=2026).last == 845
    states = dict(cases.values_list("state").annotate(n=Count("id")))
    agreed = states.get(State.AGREED, 0) + states.get(State.PARTLY_AGREED, 0)
    assert agreed / 845 > 0.85
    assert states.get(State.WITHDRAWN, 0) > 10
    assert sum(states.get(s, 0) for s in (State.FAILED, State.RETURNED, State.REFERRED)) > 10
    assert 0 < sum(states.get(s, 0) for s in OPEN_STATES) < 30


def test_a_handful_police_flagged_and_25_complex_disputes_from_petitions(demo):
    flagged = MediationCase.objects.exclude(police_flagged_at=None)
    assert flagged.count() == 6
    assert not flagged.filter(police_flag_reason="").exists()
    assert CaseEvent.objects.filter(action=Action.FLAG_POLICE).count() == 6
    from_petitions = MediationCase.objects.filter(source=Source.PETITION)
    assert from_petitions.count() == 25
    assert from_petitions.values("petition").distinct().count() == 25
    for case in from_petitions.select_related("petition", "room"):
        assert case.room.village_id == case.petition.village_id
        assert case.registered_at > case.petition.registered_at
    assert not MediationCase.objects.filter(state=State.RETURNED, petition=None).exists()


def test_every_history_is_a_walk_through_the_lifecycle_table(demo):
    events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.order_by("at", "id"):
        events.setdefault(event.case_id, []).append(event)
    cases = MediationCase.objects.in_bulk()
    assert set(events) == set(cases)
    for pk, history in events.items():
        first, *rest = history
        assert (first.action, first.from_state, first.to_state) == (Action.REGISTER, "", State.REGISTERED)
        state = State.REGISTERED
        for event in rest:
            assert event.from_state == state, cases[pk].tracking_number
            assert event.to_state in allowed_targets(event.action, state), (cases[pk].tracking_number, event.action)
            state = event.to_state
        assert state == cases[pk].state, cases[pk].tracking_number


def test_sessions_and_agreements_are_consistent_with_dates(demo):
    for case in MediationCase.objects.prefetch_related("sessions"):
        held = [s.held_at for s in case.sessions.all()]
        assert all(case.registered_at <= at for at in held), case.tracking_number
        if case.state == State.IN_MEDIATION or case.state in AGREEMENT_STATES or case.state == State.FAILED:
            assert held, case.tracking_number
        if case.state in UNFINISHED_STATES[:2]:
            assert case.closed_at is None
        else:
            assert case.closed_at is not None and all(at <= case.closed_at for at in held)
    agreements = Agreement.objects.select_related("case")
    assert agreements.count() == MediationCase.objects.filter(state__in=AGREEMENT_STATES).count()
    for agreement in agreements:
        signed = timezone.localdate(agreement.signed_at)
        assert agreement.judicial_confirmation_due == date.fromordinal(signed.toordinal() + 30)
        assert agreement.performance_deadline >= signed
        assert agreement.court_applied_on is None or agreement.court_applied_on <= agreement.judicial_confirmation_due
        assert agreement.case.closed_at == agreement.signed_at
    assert not Agreement.objects.filter(items=None).exists()
    checked = AgreementTerm.objects.exclude(checked_at=None)
    assert checked.exists()
    assert all(timezone.localdate(t.checked_at) <= TODAY for t in checked)
    assert AgreementTerm.objects.filter(performance="broken").exists()
    assert MediationSession.objects.count() > 845


class _Undo(Exception):
    """Rolls a build back, so the next one starts from an empty database."""


def built(seed_value: int) -> list[tuple]:
    rows: list[tuple] = []
    try:
        with transaction.atomic():
            assert build_demo(seed=seed_value, today=TODAY).mediation.cases == 845
            rows = list(
                MediationCase.objects.order_by("tracking_number").values_list(
                    "tracking_number", "room__village__code", "summary", "state", "registered_at"
                )
            )
            raise _Undo
    except _Undo:
        pass
    assert not MediationCase.objects.exists()
    return rows


def test_the_same_seed_gives_the_same_cases_and_another_seed_does_not(db):
    first = built(SEED)
    assert built(SEED) == first
    assert built(SEED + 1) != first


def test_seeding_twice_adds_nothing(demo):
    town = MediationRoom.objects.first().village.town
    events = CaseEvent.objects.count()
    again = seed(town)
    assert again.already_loaded and again.cases == 0
    assert MediationCase.objects.count() == 845
    assert CaseEvent.objects.count() == events
    assert Petition.objects.count() == 860
