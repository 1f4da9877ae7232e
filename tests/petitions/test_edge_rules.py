"""Rules at the edges of the clocks: late extensions, upstream due dates, objections, redo."""

from datetime import date, timedelta

import pytest

from petitions.errors import InvalidInput
from petitions.states import Action, Origin, State
from tests.factories import TownFactory, VillageFactory


def test_an_overdue_case_cannot_be_extended(register, walk, act, clock, handler):
    clock.set(date(2026, 3, 2))
    petition = walk(register(), State.HANDLING)
    clock.set(petition.handle_due + timedelta(days=1))
    with pytest.raises(InvalidInput, match="办理期限已过"):
        act(Action.EXTEND, petition, handler)
    petition.refresh_from_db()
    assert petition.extension_days == 0


def test_extension_may_not_pass_the_upstream_due_date(register, walk, act, clock, handler):
    clock.set(date(2026, 3, 2))
    upstream = date(2026, 4, 30)
    petition = walk(register(origin=Origin.ASSIGNED, upstream_reference="LA-1", upstream_due=upstream), State.HANDLING)
    assert petition.handle_due == upstream
    with pytest.raises(InvalidInput, match="2026-04-30"):
        act(Action.EXTEND, petition, handler, days=5)
    petition.refresh_from_db()
    assert petition.handle_due == upstream


def test_objection_clears_the_notice_so_the_next_unit_tells_the_petitioner(register, walk, act, handler):
    petition = walk(register(), State.HANDLING, notified=True)
    assert petition.notified_at is not None
    petition = act(Action.OBJECT, petition, handler)
    assert petition.state == State.REGISTERED
    assert petition.notified_at is None and petition.extension_days == 0 and petition.unit is None
    assert petition.return_count == 1


def test_redo_keeps_to_an_earlier_upstream_due_date(register, walk, act, clock, desk_clerk):
    clock.set(date(2026, 3, 2))
    upstream = date(2026, 3, 10)
    petition = walk(register(origin=Origin.ASSIGNED, upstream_reference="LA-2", upstream_due=upstream), State.REPLIED)
    petition = act(Action.FOLLOW_UP, petition, desk_clerk, to=State.HANDLING)
    assert petition.state == State.HANDLING and petition.redo_count == 1
    assert petition.handle_due == upstream  # the 15-day redo would end on 2026-03-17


def test_redo_gets_its_own_time_limit(register, walk, act, clock, desk_clerk):
    clock.set(date(2026, 3, 2))
    petition = walk(register(), State.REPLIED)
    petition = act(Action.FOLLOW_UP, petition, desk_clerk, to=State.HANDLING)
    assert petition.handle_due == date(2026, 3, 17)


def test_a_village_of_another_town_is_refused(register):
    other = VillageFactory(town=TownFactory(code="341502106", name="别镇", tracking_prefix="BZ"), code="341502106200")
    with pytest.raises(InvalidInput):
        register(village=other)
