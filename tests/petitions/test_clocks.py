"""The legal clocks (信访工作条例): deadlines on calendar and working days, extension, review
windows, the next deadline per state, the traffic light, and time limits an administrator edits.

"Now" is set with the ``clock`` fixture (an aware Asia/Shanghai moment); the 2026 holidays and
make-up working days come from the data migration core.0004."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from unittest import mock

import pytest

from core.workdays import CACHE_SECONDS
from petitions import clocks
from petitions.errors import IllegalTransition, InvalidInput
from petitions.models import Petition, TimeLimit, TimelineEntry
from petitions.states import Action, Light, Origin, Satisfaction, State
from petitions.transitions import ALLOWED
from tests.petitions.conftest import SHANGHAI

Key = clocks.Key


def row(petition: Petition) -> tuple[dict, int]:
    return (
        Petition.objects.filter(pk=petition.pk).values().get(),
        TimelineEntry.objects.filter(petition_id=petition.pk).count(),
    )


def set_limit(key: str, days: int, working: bool) -> None:
    limit = TimeLimit.objects.get(key=key)
    limit.days = days
    limit.working_days = working
    limit.save()


def test_the_defaults_follow_the_regulation_and_the_seeded_rows(db):
    assert clocks.limits() == {
        Key.ROUTE: (15, False),
        Key.NOTIFY: (15, False),
        Key.OBJECT: (5, True),
        Key.HANDLE: (60, False),
        Key.EXTENSION: (30, False),
        Key.REVIEW_REQUEST: (30, False),
        Key.REVIEW_ANSWER: (30, False),
        Key.RE_REVIEW_REQUEST: (30, False),
        Key.RE_REVIEW_ANSWER: (30, False),
        Key.REDO: (15, False),
        Key.AMBER: (3, False),
    }
    assert dict(TimeLimit.objects.values_list("key", "days")) == {
        key: days for key, (days, _w) in clocks.DEFAULTS.items()
    }


# --- Register and route within 15 days; notify within 15 days (Arts. 22, 23) ----------------


@pytest.mark.parametrize(
    ("registered", "route_due"),
    [
        (datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), date(2026, 3, 17)),
        # Late in the evening in Anhui is still the same day (15:30 UTC).
        (datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), date(2026, 3, 17)),
        (datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI), date(2026, 3, 18)),
        # Calendar days: the 国庆 holiday does not stop the clock.
        (datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), date(2026, 10, 15)),
    ],
    ids=str,
)
def test_route_due_is_registration_plus_15_calendar_days(register, clock, registered, route_due):
    clock.set(registered)
    petition = register()
    assert petition.route_due == route_due
    assert petition.next_due == route_due


@pytest.mark.parametrize("via", ["zongzhi", "direct"])
def test_notify_due_is_acceptance_plus_15_days(register, walk, clock, via):
    clock.set(date(2026, 3, 2))
    petition = register()
    clock.set(date(2026, 3, 5))
    petition = walk(petition, State.HANDLING, via=via)
    assert petition.notify_due == date(2026, 3, 20)
    assert petition.next_due == date(2026, 3, 20)


# --- Objection within 5 working days (Art. 23) ----------------------------------------------


@pytest.mark.parametrize(
    ("assigned", "object_due"),
    [
        (date(2026, 3, 2), date(2026, 3, 9)),  # Monday → the next Monday
        (date(2026, 9, 18), date(2026, 9, 24)),  # Friday; Sunday 20 September is a make-up working day
        (date(2026, 9, 24), date(2026, 10, 9)),  # Thursday before 中秋 and 国庆
        (date(2026, 9, 30), date(2026, 10, 13)),  # the eve of 国庆; Saturday 10 October is worked
        (date(2026, 10, 9), date(2026, 10, 15)),  # Friday before the make-up Saturday
    ],
    ids=str,
)
def test_the_objection_window_is_5_working_days(register, act, clock, desk_clerk, assigned, object_due):
    clock.set(assigned)
    petition = act(Action.ASSIGN, register(), desk_clerk)
    assert petition.object_due == object_due


def test_objecting_on_the_last_day_across_the_national_holiday_returns_it_to_the_desk(
    register, act, clock, desk_clerk, handler
):
    clock.set(date(2026, 9, 30))
    petition = act(Action.ASSIGN, register(), desk_clerk)
    assert petition.object_due == date(2026, 10, 13)
    clock.set(date(2026, 10, 13), hour=23, minute=30)
    returned = act(Action.OBJECT, petition, handler)
    assert returned.state == State.REGISTERED
    assert (returned.unit, returned.mode, returned.object_due, returned.handle_due) == (None, "", None, None)
    assert returned.return_count == 1
    assert returned.next_due == returned.route_due


def test_objecting_on_the_make_up_saturday_is_in_time(register, act, clock, desk_clerk, handler):
    clock.set(date(2026, 10, 9))
    petition = act(Action.ASSIGN, register(), desk_clerk)
    clock.set(date(2026, 10, 10))
    assert act(Action.OBJECT, petition, handler).state == State.REGISTERED


@pytest.mark.parametrize(
    "late",
    [
        datetime(2026, 10, 14, 0, 30, tzinfo=SHANGHAI),  # still 13 October in UTC
        datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI),
    ],
    ids=str,
)
def test_objecting_after_the_window_is_refused_and_changes_nothing(register, act, clock, desk_clerk, handler, late):
    clock.set(date(2026, 9, 30))
    petition = act(Action.ASSIGN, register(), desk_clerk)
    clock.set(late)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.OBJECT, petition, handler)
    assert row(petition) == before


# --- Handle within 60 days; one extension of at most 30 days (Art. 34) -----------------------


@pytest.mark.parametrize(
    ("upstream_due", "handle_due"),
    [
        (None, date(2026, 5, 1)),
        (date(2026, 4, 15), date(2026, 4, 15)),  # the level above wants it sooner: that wins
        (date(2026, 5, 1), date(2026, 5, 1)),
        (date(2026, 6, 1), date(2026, 5, 1)),  # a later upstream date does not lengthen the 60 days
    ],
    ids=str,
)
@pytest.mark.parametrize("via", ["zongzhi", "direct"])
def test_handle_due_is_acceptance_plus_60_days_or_an_earlier_upstream_date(
    register, walk, clock, upstream_due, handle_due, via
):
    clock.set(date(2026, 3, 2))
    origin = {"origin": Origin.ASSIGNED, "upstream_reference": "LA-20260302-118"} if upstream_due else {}
    petition = walk(register(upstream_due=upstream_due, **origin), State.HANDLING, via=via, notified=True)
    assert petition.handle_due == handle_due
    assert petition.next_due == handle_due


@pytest.mark.parametrize(("days", "handle_due"), [(1, date(2026, 5, 2)), (30, date(2026, 5, 31))])
def test_one_extension_moves_the_due_date(register, walk, act, clock, handler, days, handle_due):
    clock.set(date(2026, 3, 2))
    petition = walk(register(), State.HANDLING, notified=True)
    clock.set(date(2026, 4, 20))
    extended = act(Action.EXTEND, petition, handler, days=days)
    assert (extended.extension_days, extended.handle_due, extended.next_due) == (days, handle_due, handle_due)
    assert extended.extension_reason


def test_a_second_extension_is_refused(register, walk, act, clock, handler, leader):
    clock.set(date(2026, 3, 2))
    petition = act(Action.EXTEND, walk(register(), State.HANDLING), handler, days=10)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.EXTEND, petition, leader, days=5)
    assert row(petition) == before
    assert Petition.objects.get(pk=petition.pk).handle_due == date(2026, 5, 11)


@pytest.mark.parametrize(("days", "reason"), [(31, "情况复杂"), (0, "情况复杂"), (-1, "情况复杂"), (10, "  ")])
def test_an_extension_beyond_30_days_or_without_reason_is_refused(register, walk, act, handler, days, reason):
    petition = walk(register(), State.HANDLING)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.EXTEND, petition, handler, days=days, reason=reason)
    assert row(petition) == before


# --- Review and re-review: 30 days to ask, 30 days to answer (Arts. 35, 36) ------------------


@pytest.fixture
def closed_on(register, walk, act, clock, desk_clerk):
    """A petition replied on `day` and closed by the follow-up visit two days later."""

    def _closed_on(day: date) -> Petition:
        clock.set(day)
        petition = walk(register(), State.REPLIED)
        assert petition.replied_at.astimezone(SHANGHAI).date() == day
        clock.set(day + timedelta(days=2))
        return act(Action.FOLLOW_UP, petition, desk_clerk)

    return _closed_on


def test_review_may_be_requested_on_day_30_and_is_answered_within_30_days(closed_on, act, clock, desk_clerk):
    petition = closed_on(date(2026, 3, 10))
    clock.set(date(2026, 4, 9), hour=23, minute=30)  # day 30 after the reply
    review = act(Action.REQUEST_REVIEW, petition, desk_clerk)
    assert review.state == State.UNDER_REVIEW
    assert review.review_due == date(2026, 5, 9)
    assert review.next_due == date(2026, 5, 9)
    assert review.closed_at is None


def test_review_requested_on_day_31_is_refused(closed_on, act, clock, desk_clerk):
    petition = closed_on(date(2026, 3, 10))
    clock.set(date(2026, 4, 10), hour=0, minute=30)  # day 31 (still 9 April in UTC)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.REQUEST_REVIEW, petition, desk_clerk)
    assert row(petition) == before


def test_review_is_requested_only_once_and_re_review_only_after_a_review(closed_on, act, clock, desk_clerk, leader):
    petition = closed_on(date(2026, 3, 10))
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.REQUEST_RE_REVIEW, petition, desk_clerk)
    assert row(petition) == before
    clock.set(date(2026, 3, 20))
    petition = act(Action.REQUEST_REVIEW, petition, desk_clerk)
    petition = act(Action.ANSWER_REVIEW, petition, leader)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.REQUEST_REVIEW, petition, desk_clerk)
    assert row(petition) == before


@pytest.fixture
def reviewed_on(closed_on, act, clock, desk_clerk, leader):
    """Closed after a reply on 10 March, a review asked on 20 March and answered on `day`."""

    def _reviewed_on(day: date) -> Petition:
        petition = closed_on(date(2026, 3, 10))
        clock.set(date(2026, 3, 20))
        petition = act(Action.REQUEST_REVIEW, petition, desk_clerk)
        clock.set(day)
        petition = act(Action.ANSWER_REVIEW, petition, leader)
        assert (petition.state, petition.next_due) == (State.CLOSED, None)
        return petition

    return _reviewed_on


def test_re_review_may_be_requested_on_day_30_and_then_the_matter_becomes_final(
    request, reviewed_on, act, clock, desk_clerk, leader
):
    petition = reviewed_on(date(2026, 5, 1))
    clock.set(date(2026, 5, 31))  # day 30 after the review's answer
    petition = act(Action.REQUEST_RE_REVIEW, petition, desk_clerk)
    assert petition.state == State.UNDER_RE_REVIEW
    assert petition.re_review_due == date(2026, 6, 30)
    assert petition.next_due == date(2026, 6, 30)
    clock.set(date(2026, 6, 20))
    final = act(Action.ANSWER_RE_REVIEW, petition, leader)
    assert final.state == State.FINAL
    assert final.next_due is None
    assert final.closed_at is not None

    # The same claim is not accepted again: nothing at all can happen to it now.
    before = row(final)
    for action in ALLOWED:
        for actor in (leader, desk_clerk, request.getfixturevalue("handler")):
            with pytest.raises(IllegalTransition):
                act(action, final, actor)
    assert row(final) == before


def test_re_review_requested_on_day_31_is_refused(reviewed_on, act, clock, desk_clerk):
    petition = reviewed_on(date(2026, 5, 1))
    clock.set(date(2026, 6, 1))
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.REQUEST_RE_REVIEW, petition, desk_clerk)
    assert row(petition) == before


# --- The next deadline per state --------------------------------------------------------------


def test_next_due_follows_the_petition_through_its_states(register, act, clock, desk_clerk, handler, leader):
    clock.set(date(2026, 3, 2))
    petition = register()
    assert (petition.state, petition.next_due) == (State.REGISTERED, date(2026, 3, 17))  # route
    clock.set(date(2026, 3, 5))
    petition = act(Action.ASSIGN, petition, desk_clerk)
    assert (petition.state, petition.next_due) == (State.HANDLING, date(2026, 3, 20))  # notice
    clock.set(date(2026, 3, 6))
    petition = act(Action.NOTIFY, petition, handler)
    assert petition.next_due == date(2026, 5, 4)  # handle: notified, so the notice no longer counts
    clock.set(date(2026, 3, 20))
    petition = act(Action.REPLY, petition, handler)
    assert (petition.state, petition.next_due) == (State.REPLIED, None)
    clock.set(date(2026, 3, 22))
    petition = act(Action.FOLLOW_UP, petition, desk_clerk)
    assert (petition.state, petition.next_due) == (State.CLOSED, None)
    clock.set(date(2026, 3, 25))
    petition = act(Action.REQUEST_REVIEW, petition, desk_clerk)
    assert (petition.state, petition.next_due) == (State.UNDER_REVIEW, date(2026, 4, 24))
    clock.set(date(2026, 4, 10))
    petition = act(Action.ANSWER_REVIEW, petition, leader)
    assert (petition.state, petition.next_due) == (State.CLOSED, None)
    clock.set(date(2026, 4, 20))
    petition = act(Action.REQUEST_RE_REVIEW, petition, desk_clerk)
    assert (petition.state, petition.next_due) == (State.UNDER_RE_REVIEW, date(2026, 5, 20))
    clock.set(date(2026, 5, 10))
    petition = act(Action.ANSWER_RE_REVIEW, petition, leader)
    assert (petition.state, petition.next_due) == (State.FINAL, None)


@pytest.mark.parametrize(
    ("report_due", "before_notice", "after_notice"),
    [
        (date(2026, 3, 18), date(2026, 3, 18), date(2026, 3, 18)),  # the report comes first
        (date(2026, 4, 10), date(2026, 3, 20), date(2026, 4, 10)),
        (date(2026, 6, 1), date(2026, 3, 20), date(2026, 5, 4)),
    ],
    ids=str,
)
def test_next_due_while_handling_is_the_earliest_open_duty(
    register, act, clock, desk_clerk, handler, report_due, before_notice, after_notice
):
    clock.set(date(2026, 3, 5))
    petition = act(Action.ASSIGN, register(), desk_clerk, report_due=report_due)
    assert petition.next_due == before_notice
    petition = act(Action.NOTIFY, petition, handler)
    assert petition.next_due == after_notice


def test_a_completion_report_cannot_be_due_in_the_past(register, act, clock, desk_clerk):
    clock.set(date(2026, 3, 5))
    petition = register()
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.ASSIGN, petition, desk_clerk, report_due=date(2026, 3, 4))
    assert row(petition) == before


def test_a_redo_gets_15_days_from_the_follow_up(register, walk, act, clock, desk_clerk):
    clock.set(date(2026, 3, 2))
    petition = walk(register(), State.REPLIED)
    clock.set(date(2026, 3, 22))
    redo = act(Action.FOLLOW_UP, petition, desk_clerk, satisfaction=Satisfaction.DISSATISFIED, unit_at_fault=True)
    assert (redo.state, redo.handle_due, redo.next_due) == (State.HANDLING, date(2026, 4, 6), date(2026, 4, 6))


@pytest.mark.parametrize("state", [State.TRANSFERRED, State.NOT_ACCEPTED])
def test_a_petition_that_left_the_town_has_no_deadline(register, walk, state):
    petition = walk(register(), state)
    assert petition.next_due is None
    assert petition.closed_at is not None


# --- The traffic light ------------------------------------------------------------------------

ON = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("deadline", "light"),
    [
        (None, None),
        (date(2026, 2, 1), Light.RED),
        (date(2026, 3, 9), Light.RED),  # yesterday: overdue
        (date(2026, 3, 10), Light.AMBER),  # today: not yet overdue
        (date(2026, 3, 13), Light.AMBER),  # 3 days left
        (date(2026, 3, 14), Light.GREEN),  # 4 days left
        (date(2026, 6, 1), Light.GREEN),
    ],
    ids=str,
)
def test_light_for(db, deadline, light):
    assert clocks.light_for(deadline, on=ON) == light


def test_light_for_defaults_to_today_in_the_desk_time_zone(db, clock):
    clock.set(datetime(2026, 3, 10, 0, 30, tzinfo=SHANGHAI))  # still 9 March in UTC
    assert clocks.light_for(date(2026, 3, 9)) == Light.RED
    assert clocks.light_for(date(2026, 3, 13)) == Light.AMBER
    assert clocks.light_for(date(2026, 3, 14)) == Light.GREEN


@pytest.fixture
def deadlines_around_today(register, clock):
    """Petitions due from 6 days ago to 8 days ahead of ON, and two without a deadline."""
    clock.set(ON)
    petitions = {}
    for offset in [*range(-6, 9), None, None]:
        petition = register()
        due = None if offset is None else ON + timedelta(days=offset)
        Petition.objects.filter(pk=petition.pk).update(next_due=due)
        petitions[petition.pk] = due
    return petitions


def assert_bounds_match(petitions: dict[int, date | None], on: date | None):
    seen = set()
    for light in Light:
        selected = set(
            Petition.objects.filter(pk__in=petitions, **clocks.light_bounds(light, on=on)).values_list("pk", flat=True)
        )
        classified = {pk for pk, due in petitions.items() if clocks.light_for(due, on=on) == light}
        assert selected == classified, light
        assert classified, f"no petition is {light}: the check would prove nothing"
        assert not selected & seen
        seen |= selected
    assert seen == {pk for pk, due in petitions.items() if due is not None}


def test_light_bounds_select_exactly_what_light_for_classifies(deadlines_around_today):
    assert_bounds_match(deadlines_around_today, on=ON)
    assert_bounds_match(deadlines_around_today, on=None)  # today, from the patched clock
    counts = {light: Petition.objects.filter(**clocks.light_bounds(light, on=ON)).count() for light in Light}
    assert counts == {Light.RED: 6, Light.AMBER: 4, Light.GREEN: 5}


@pytest.mark.parametrize(("amber_days", "counts"), [(0, (6, 1, 8)), (5, (6, 6, 3))])
def test_the_amber_warning_is_an_editable_time_limit(deadlines_around_today, amber_days, counts):
    set_limit(Key.AMBER, amber_days, False)
    assert_bounds_match(deadlines_around_today, on=ON)
    lights = (Light.RED, Light.AMBER, Light.GREEN)
    assert tuple(Petition.objects.filter(**clocks.light_bounds(light, on=ON)).count() for light in lights) == counts


# --- Time limits an administrator changes -------------------------------------------------------


def test_changing_the_route_limit_changes_the_deadline(register, clock):
    clock.set(date(2026, 3, 2))
    assert register().route_due == date(2026, 3, 17)  # the table is now cached
    set_limit(Key.ROUTE, 10, False)
    assert register().route_due == date(2026, 3, 12)
    TimeLimit.objects.get(key=Key.ROUTE).delete()  # no row: the regulation's default
    assert register().route_due == date(2026, 3, 17)


def test_counting_the_objection_in_calendar_days_changes_the_deadline(register, act, clock, desk_clerk):
    clock.set(date(2026, 9, 30))
    assert act(Action.ASSIGN, register(), desk_clerk).object_due == date(2026, 10, 13)
    set_limit(Key.OBJECT, 5, False)
    assert act(Action.ASSIGN, register(), desk_clerk).object_due == date(2026, 10, 5)
    set_limit(Key.OBJECT, 3, True)  # 8, 9 and the make-up Saturday 10 October
    assert act(Action.ASSIGN, register(), desk_clerk).object_due == date(2026, 10, 10)


def test_changing_the_handling_and_extension_limits(register, walk, act, clock, handler):
    clock.set(date(2026, 3, 2))
    set_limit(Key.HANDLE, 30, False)
    set_limit(Key.EXTENSION, 15, False)
    petition = walk(register(), State.HANDLING, notified=True)
    assert petition.handle_due == date(2026, 4, 1)
    with pytest.raises(InvalidInput):
        act(Action.EXTEND, petition, handler, days=16)
    assert act(Action.EXTEND, petition, handler, days=15).handle_due == date(2026, 4, 16)


def test_a_change_made_by_another_process_is_seen_after_the_cache_expires(register, clock):
    clock.set(date(2026, 3, 2))
    assert clocks.due(Key.ROUTE, date(2026, 3, 2)) == date(2026, 3, 17)
    # Another web worker saved the row: no signal reaches this process.
    TimeLimit.objects.filter(key=Key.ROUTE).update(days=10)
    assert clocks.due(Key.ROUTE, date(2026, 3, 2)) == date(2026, 3, 17)
    with mock.patch("time.monotonic", return_value=time.monotonic() + CACHE_SECONDS + 1):
        assert clocks.due(Key.ROUTE, date(2026, 3, 2)) == date(2026, 3, 12)
        assert register().route_due == date(2026, 3, 12)
