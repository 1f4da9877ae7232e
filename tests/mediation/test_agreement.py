"""The agreement after signing: the 30-day judicial confirmation clock, the court's result,
the committee's follow-up of each undertaking, and the town's lists built on them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mediation import clocks
from mediation import services as s
from mediation.selectors import agreements_awaiting_confirmation, agreements_being_broken, town_overview
from mediation.states import CourtResult, Performance, State
from petitions.errors import InvalidInput

SIGNED = date(2026, 3, 2)


@pytest.fixture
def agreed(new_case, walk, clock):
    """A case agreed on 2 March 2026 (the clock stays there until a test moves it)."""
    clock.set(SIGNED)
    return walk(new_case(), State.AGREED)


def test_judicial_confirmation_is_due_30_calendar_days_after_signing(agreed):
    assert agreed.agreement.judicial_confirmation_due == date(2026, 4, 1)
    assert clocks.confirmation_due(date(2026, 1, 31)) == date(2026, 3, 2)


def test_days_left_and_the_window(agreed):
    agreement = agreed.agreement
    assert clocks.confirmation_days_left(agreement, on=SIGNED) == 30
    assert clocks.confirmation_window_open(agreement, on=date(2026, 4, 1))
    assert clocks.confirmation_days_left(agreement, on=date(2026, 4, 1)) == 0
    assert not clocks.confirmation_window_open(agreement, on=date(2026, 4, 2))


def test_application_on_the_30th_day_is_accepted_then_the_court_confirms(agreed, act, mediator_a, clock):
    clock.set(date(2026, 4, 1))
    case = act("court_apply", agreed, mediator_a, court="六安市金安区人民法院")
    assert case.agreement.court_result == CourtResult.PENDING
    assert case.agreement.court_applied_on == date(2026, 4, 1)
    clock.set(date(2026, 4, 20))
    case = act("court_result", case, mediator_a, result=CourtResult.CONFIRMED)
    case.agreement.refresh_from_db()
    assert case.agreement.court_result == CourtResult.CONFIRMED
    assert case.agreement.court_result_at == date(2026, 4, 20)
    assert case.state == State.AGREED


def test_application_on_the_31st_day_is_refused(agreed, act, mediator_a, clock):
    clock.set(date(2026, 4, 2))
    with pytest.raises(InvalidInput, match="2026-04-01"):
        act("court_apply", agreed, mediator_a)


def test_an_application_can_be_recorded_late_if_it_was_made_in_time(agreed, act, mediator_a, clock):
    clock.set(date(2026, 4, 10))
    case = act("court_apply", agreed, mediator_a, applied_on=date(2026, 3, 30))
    assert case.agreement.court_result == CourtResult.PENDING


def test_the_court_result_needs_an_application_first(agreed, act, mediator_a):
    with pytest.raises(InvalidInput):
        act("court_result", agreed, mediator_a)


def test_the_court_may_refuse(agreed, act, mediator_a):
    case = act("court_apply", agreed, mediator_a)
    case = act("court_result", case, mediator_a, result=CourtResult.REFUSED)
    case.agreement.refresh_from_db()
    assert case.agreement.court_result == CourtResult.REFUSED
    with pytest.raises(InvalidInput):
        act("court_apply", case, mediator_a)


def test_the_committee_follows_up_each_undertaking(agreed, mediator_a, clock):
    first, second = agreed.agreement.items.all()
    clock.set(date(2026, 3, 10))
    checked = s.mediation_term_follow_up(
        case=agreed, term=first, actor=mediator_a, version=agreed.version, performance=Performance.DONE
    )
    assert checked.performance == Performance.DONE
    assert checked.checked_by == mediator_a
    clock.set(date(2026, 3, 20))
    checked = s.mediation_term_follow_up(
        case=agreed, term=second, actor=mediator_a, version=None, performance=Performance.BROKEN, note="拒不支付"
    )
    assert checked.performance == Performance.BROKEN
    assert checked.check_note == "拒不支付"
    with pytest.raises(InvalidInput):
        s.mediation_term_follow_up(case=agreed, term=second, actor=mediator_a, version=None, performance="pending")


def test_a_term_of_another_case_is_refused(agreed, new_case, walk, mediator_a):
    other = walk(new_case(), State.AGREED)
    with pytest.raises(InvalidInput):
        s.mediation_term_follow_up(
            case=agreed, term=other.agreement.items.first(), actor=mediator_a, version=None, performance="done"
        )


def test_agreements_awaiting_confirmation_close_their_window_after_30_days(agreed, leader):
    assert list(agreements_awaiting_confirmation(leader, on=date(2026, 4, 1))) == [agreed.agreement]
    assert not agreements_awaiting_confirmation(leader, on=date(2026, 4, 2)).exists()


def test_agreements_being_broken_are_listed(agreed, mediator_a, leader):
    due = agreed.agreement.items.first().due  # 12 March
    assert not agreements_being_broken(leader, on=due).exists()
    assert list(agreements_being_broken(leader, on=due + timedelta(days=1))) == [agreed.agreement]  # overdue
    for term in agreed.agreement.items.all():
        s.mediation_term_follow_up(case=agreed, term=term, actor=mediator_a, version=None, performance="late")
    assert not agreements_being_broken(leader, on=due + timedelta(days=1)).exists()
    s.mediation_term_follow_up(
        case=agreed, term=agreed.agreement.items.first(), actor=mediator_a, version=None, performance="broken"
    )
    assert list(agreements_being_broken(leader, on=due)) == [agreed.agreement]


def test_the_agreement_cannot_be_carried_out_before_it_is_signed(new_case, act, mediator_a):
    case = act("session", new_case(), mediator_a)
    with pytest.raises(InvalidInput):
        act("agree", case, mediator_a, performance_deadline=date(2000, 1, 1))


def test_town_overview_counts_outcomes_per_room(
    agreed, new_case, walk, rooms, leader, mediator_a, django_assert_num_queries
):
    walk(new_case(), State.FAILED)
    walk(new_case(), State.WITHDRAWN)
    new_case()
    with django_assert_num_queries(3):
        figures = {f.room: f for f in town_overview(leader)}
    a = figures[rooms.a]
    assert (a.cases, a.agreed, a.failed, a.withdrawn, a.open) == (4, 1, 1, 1, 1)
    assert a.success_rate == pytest.approx(1 / 3)
    assert a.average_days == 0
    assert figures[rooms.b].cases == 0
    assert figures[rooms.b].success_rate is None
    assert [f.room for f in town_overview(mediator_a)] == [rooms.a]
