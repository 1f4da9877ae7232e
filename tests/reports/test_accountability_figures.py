"""The accountability figures of the monthly analysis over a known dataset: meetings held by
level and their agenda items, decisions made / carried out / overdue, supervisions, records."""

from datetime import date

import pytest

from accountability import services as acc
from accountability.states import AccountabilityForm, Level, SupervisionReason
from petitions.states import State
from reports import selectors


@pytest.fixture
def dataset(clock, register, walk, units, town, desk_clerk, leader, inspector, handler):
    def held(day, level=Level.TOWN, petitions=()):
        clock.set(date(2026, 2, 1))
        meeting = acc.meeting_plan(town=town, actor=desk_clerk, date=day, level=level, chair=leader)
        items = [acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=p) for p in petitions]
        clock.set(day, hour=15)
        acc.meeting_hold(meeting=meeting, actor=desk_clerk)
        return items

    def decide(item, deadline):
        return acc.decision_record(
            item=item,
            actor=desk_clerk,
            resolution="综治中心牵头办理",
            unit=units.zongzhi,
            leader=leader,
            deadline=deadline,
        )

    clock.set(date(2026, 1, 20))
    cases = [walk(register(title=f"P{i}"), State.HANDLING) for i in range(6)]
    # February: a town meeting; its two decisions fall due in March.
    feb = held(date(2026, 2, 24), petitions=cases[:2])
    late = decide(feb[0], date(2026, 3, 10))  # never carried out: overdue at the end of March
    done_late = decide(feb[1], date(2026, 3, 20))  # carried out on 2 April: overdue at the end of March
    # March: a town meeting with three items and a district meeting with one; a planned one not held.
    march = held(date(2026, 3, 5), petitions=cases[2:5])
    district = held(date(2026, 3, 18), level=Level.DISTRICT, petitions=cases[5:6])
    clock.set(date(2026, 2, 1))
    acc.meeting_plan(town=town, actor=desk_clerk, date=date(2026, 3, 26), chair=leader)  # planned, not held
    clock.set(date(2026, 3, 5), hour=16)
    done = decide(march[0], date(2026, 3, 15))
    decide(march[1], date(2026, 4, 30))  # pending, not yet due
    acc.decision_send_to_district(item=march[2], actor=desk_clerk, reason="跨区域，镇级无法协调")
    clock.set(date(2026, 3, 18), hour=16)
    decide(district[0], date(2026, 3, 31))  # due on the last day, not carried out: overdue
    clock.set(date(2026, 3, 12))
    acc.decision_mark_done(decision=done, actor=handler, note="已办结")
    clock.set(date(2026, 4, 2))
    acc.decision_mark_done(decision=done_late, actor=handler, note="已办结")
    assert late.carried_out_at is None

    # Supervisions: one opened in February and closed in March; three opened in March (two
    # listed), one of them closed in March; one opened in April.
    def supervise(day, *, listed=False, close_on=None):
        clock.set(day)
        supervision = acc.supervision_open(
            town=town,
            actor=inspector,
            reason=SupervisionReason.DELAY,
            description="办理拖延",
            rectify_by=date(2026, 6, 30),
            unit=units.zongzhi,
            listed=listed,
        )
        if close_on:
            clock.set(close_on)
            acc.supervision_close(supervision=supervision, actor=inspector, result="已整改")
        return supervision

    supervise(date(2026, 2, 10), close_on=date(2026, 3, 3))
    first = supervise(date(2026, 3, 9), listed=True, close_on=date(2026, 3, 30))
    supervise(date(2026, 3, 16), listed=True)
    supervise(date(2026, 3, 23))
    supervise(date(2026, 4, 1), listed=True)

    # Accountability records decided in March: two reminder talks, one circulated criticism;
    # one in February.
    clock.set(date(2026, 4, 10))
    for form, day in (
        (AccountabilityForm.REMINDER_TALK, date(2026, 3, 10)),
        (AccountabilityForm.REMINDER_TALK, date(2026, 3, 31)),
        (AccountabilityForm.CIRCULATED_CRITICISM, date(2026, 3, 1)),
        (AccountabilityForm.ADMONITION_TALK, date(2026, 2, 28)),
    ):
        acc.accountability_record_add(
            town=town, actor=inspector, person=handler, form=form, reason="办理拖延", decided_on=day, supervision=first
        )


def test_the_accountability_figures_of_a_month(dataset, town):
    f = selectors.monthly_analysis(town=town, month_start=date(2026, 3, 1))["accountability"]
    assert f == {
        "meetings": {"town": 1, "district": 1},  # the planned one of 26 March is not counted
        "agenda_items": 4,
        "decisions": {
            "made": 4,  # three of the town meeting (one sent on) and one of the district meeting
            "sent_to_district": 1,
            "carried_out": 1,  # done on 12 March
            "overdue": 3,  # due 10 March (never done), 20 March (done 2 April), 31 March (pending)
        },
        "supervisions": {"opened": 3, "listed": 2, "closed": 2, "open_at_month_end": 2},
        "records": 3,
        "records_by_form": {
            **dict.fromkeys(AccountabilityForm.values, 0),
            AccountabilityForm.REMINDER_TALK: 2,
            AccountabilityForm.CIRCULATED_CRITICISM: 1,
        },
    }


def test_february_counts_its_own_meeting_and_record(dataset, town):
    f = selectors.monthly_analysis(town=town, month_start=date(2026, 2, 1))["accountability"]
    assert f["meetings"] == {"town": 1, "district": 0}
    assert f["agenda_items"] == 2
    assert f["decisions"] == {"made": 2, "sent_to_district": 0, "carried_out": 0, "overdue": 0}
    assert f["supervisions"] == {"opened": 1, "listed": 0, "closed": 0, "open_at_month_end": 1}
    assert f["records"] == 1
    assert f["records_by_form"][AccountabilityForm.ADMONITION_TALK] == 1
