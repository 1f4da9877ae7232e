"""Liaison joint meetings: the escalation chain from the village to the district meeting,
the agenda rules and the decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accountability import services as acc
from accountability.models import AgendaItem, Decision, Event
from accountability.permissions import meetings_visible_to
from accountability.selectors import agenda_proposals
from accountability.states import AgendaReason, DecisionState, EventKind, Level, MeetingState
from core.models import Notification
from petitions import services as ps
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed
from petitions.models import Petition
from petitions.states import Action, Origin, State
from tests.conftest import PERSONAS


def actions(petition) -> list[str]:
    return list(petition.timeline.order_by("at", "id").values_list("action", flat=True))


def escalated(register, walk, act, village_agent_a):
    petition = walk(register(), State.HANDLING, via="village")
    return act(Action.ESCALATE, petition, village_agent_a)


def test_the_escalation_chain_from_village_to_district_meeting(
    register, walk, act, units, plan, today, desk_clerk, leader, village_agent_a, handler
):
    # Village → town desk.
    petition = escalated(register, walk, act, village_agent_a)
    assert (petition.state, petition.origin) == (State.REGISTERED, Origin.ESCALATED)

    # Town desk → town joint meeting: proposed because it was escalated.
    town_meeting = plan()
    [item] = acc.agenda_propose(meeting=town_meeting, actor=desk_clerk)
    assert (item.petition, item.reason) == (petition, AgendaReason.ESCALATED)
    entry = petition.timeline.order_by("-id").first()
    assert entry.action == Action.REFER_MEETING and entry.public

    # The meeting decides: 综治中心 under the leader, by a deadline; the case shows it.
    acc.meeting_hold(meeting=town_meeting, actor=desk_clerk, minutes="研究了1件提级事项。")
    deadline = today + timedelta(days=20)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="综治中心牵头调处", unit=units.zongzhi, leader=leader, deadline=deadline
    )
    petition.refresh_from_db()
    assert (petition.state, petition.unit, petition.responsible_leader) == (State.HANDLING, units.zongzhi, leader)
    assert petition.report_due == deadline == decision.deadline
    last = petition.timeline.order_by("-id").first()
    assert (last.action, last.from_state, last.to_state) == (Action.MEETING_DECISION, State.REGISTERED, State.HANDLING)
    assert "综治中心牵头调处" in last.note
    assert Notification.objects.filter(recipient=handler).exists()

    # It is not carried out; the next town meeting takes it up again and sends it on.
    acc.decision_mark_not_done(decision=decision, actor=handler, reason="涉及区级部门职能。")
    district = plan(level=Level.DISTRICT, days=30)
    second = plan(days=10)
    [again] = acc.agenda_propose(meeting=second, actor=desk_clerk)
    assert again.petition == petition
    acc.meeting_hold(meeting=second, actor=desk_clerk)
    sent = acc.decision_send_to_district(item=again, actor=desk_clerk, reason="镇级无法解决，需区级兜底化解。")
    assert sent.state == DecisionState.SENT_TO_DISTRICT
    assert sent.district_item.meeting == district
    assert sent.district_item.reason == AgendaReason.FROM_TOWN

    # The district meeting decides; the case and its timeline show it.
    acc.meeting_hold(meeting=district, actor=desk_clerk)
    acc.decision_record(
        item=sent.district_item,
        actor=leader,
        resolution="区联席会议协调区自然资源局处理",
        unit=units.zongzhi,
        leader=leader,
        deadline=today + timedelta(days=60),
    )
    petition.refresh_from_db()
    assert petition.report_due == today + timedelta(days=60)
    assert actions(petition) == [
        Action.REGISTER,
        Action.ASSIGN,
        Action.ESCALATE,
        Action.REFER_MEETING,
        Action.MEETING_DECISION,
        Action.REFER_MEETING,
        Action.REFER_MEETING,
        Action.MEETING_DECISION,
    ]
    assert Event.objects.filter(kind=EventKind.SENT_TO_DISTRICT, petition=petition).count() == 1


def test_a_case_sent_on_before_the_district_meeting_is_planned_waits_for_it(
    register, walk, act, plan, desk_clerk, village_agent_a
):
    petition = escalated(register, walk, act, village_agent_a)
    meeting = plan()
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_send_to_district(item=item, actor=desk_clerk, reason="需区级协调。")
    assert decision.district_item is None
    district = plan(level=Level.DISTRICT, days=20)
    decision.refresh_from_db()
    assert decision.district_item.meeting == district
    assert list(district.items.values_list("petition", flat=True)) == [petition.pk]


# --- The agenda rules ------------------------------------------------------------------------


def proposed(meeting) -> dict[int, str]:
    return {p.petition.pk: p.reason for p in agenda_proposals(meeting)}


def test_escalated_cases_are_proposed(register, walk, act, plan, village_agent_a):
    petition = escalated(register, walk, act, village_agent_a)
    register(title="普通诉求")
    assert proposed(plan()) == {petition.pk: AgendaReason.ESCALATED}


def test_key_matters_are_proposed(register, plan):
    key = register(flags=ps.Flags(key_matter=True))
    assert proposed(plan()) == {key.pk: AgendaReason.KEY_MATTER}


def test_cases_overdue_beyond_the_threshold_are_proposed(register, walk, plan, today):
    late = walk(register(), State.HANDLING)
    a_little_late = walk(register(), State.HANDLING)
    Petition.objects.filter(pk=late.pk).update(next_due=today - timedelta(days=16))
    Petition.objects.filter(pk=a_little_late.pk).update(next_due=today - timedelta(days=15))
    assert proposed(plan()) == {late.pk: AgendaReason.OVERDUE}


def test_cases_the_units_dispute_are_proposed(register, walk, act, plan, handler):
    disputed = act(Action.OBJECT, walk(register(), State.HANDLING), handler)
    assert disputed.return_count == 1
    assert proposed(plan()) == {disputed.pk: AgendaReason.DISPUTE}


def test_closed_cases_and_accusations_are_never_proposed(register, accusation, walk, plan):
    walk(register(flags=ps.Flags(key_matter=True)), State.CLOSED)
    accusation(flags=ps.Flags(key_matter=True))
    assert proposed(plan()) == {}


def test_a_case_is_proposed_once_with_its_first_reason(register, walk, act, plan, desk_clerk, village_agent_a):
    petition = escalated(register, walk, act, village_agent_a)
    Petition.objects.filter(pk=petition.pk).update(is_key_matter=True)
    meeting = plan()
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    assert item.reason == AgendaReason.ESCALATED
    assert acc.agenda_propose(meeting=meeting, actor=desk_clerk) == []
    # Nor is it proposed for another planned town meeting while it waits on this agenda.
    assert proposed(plan(days=7)) == {}
    assert AgendaItem.objects.filter(petition=petition).count() == 1


def test_a_case_under_a_pending_decision_is_not_proposed_again(register, walk, act, units, plan, desk_clerk, today):
    petition = register(flags=ps.Flags(key_matter=True))
    meeting = plan()
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    acc.decision_record(
        item=item, actor=desk_clerk, resolution="限期办结", unit=units.zongzhi, deadline=today + timedelta(days=10)
    )
    assert proposed(plan(days=7)) == {}
    assert petition.pk


def test_the_secretary_edits_the_agenda(register, plan, desk_clerk):
    meeting = plan()
    first = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register(), note="涉及多个部门。")
    second = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    assert (first.reason, first.order, second.order) == (AgendaReason.SECRETARY, 1, 2)
    with pytest.raises(InvalidInput):
        acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=first.petition)
    acc.agenda_reorder(meeting=meeting, actor=desk_clerk, item_ids=[second.pk, first.pk])
    assert list(meeting.items.values_list("pk", flat=True)) == [second.pk, first.pk]
    acc.agenda_item_remove(item=first, actor=desk_clerk, reason="已协调解决。")
    assert list(meeting.items.all()) == [second]
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    with pytest.raises(IllegalTransition):
        acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())


def test_an_accusation_cannot_be_put_on_an_agenda(accusation, plan, desk_clerk, leader):
    meeting = plan()
    with pytest.raises(InvalidInput):
        acc.agenda_item_add(meeting=meeting, actor=leader, petition=accusation())


def test_only_town_staff_plan_and_run_meetings(town, register, plan, handler, inspector, grid_worker_a, today):
    for user in (handler, inspector, grid_worker_a):
        with pytest.raises(NotAllowed):
            acc.meeting_plan(town=town, actor=user, date=today)
    meeting = plan()
    with pytest.raises(NotAllowed):
        acc.agenda_item_add(meeting=meeting, actor=handler, petition=register())


def test_decisions_wait_for_the_meeting_and_come_once(register, units, plan, desk_clerk, today):
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    args = {"item": item, "actor": desk_clerk, "resolution": "交综治中心", "unit": units.zongzhi}
    with pytest.raises(IllegalTransition):
        acc.decision_record(**args, deadline=today + timedelta(days=5))
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    with pytest.raises(InvalidInput):
        acc.decision_record(**args, deadline=today - timedelta(days=1))
    assert not Decision.objects.exists()
    assert item.petition.timeline.filter(action=Action.MEETING_DECISION).count() == 0
    decision = acc.decision_record(**args, deadline=today + timedelta(days=5))
    with pytest.raises(InvalidInput):
        acc.decision_record(**args, deadline=today + timedelta(days=5))
    assert acc.decision_mark_done(decision=decision, actor=desk_clerk, note="已办结").state == DecisionState.DONE
    with pytest.raises(IllegalTransition):
        acc.decision_mark_done(decision=decision, actor=desk_clerk)
    acc.meeting_close(meeting=meeting, actor=desk_clerk)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED


def test_a_unit_outside_the_decision_cannot_report_it_done(register, units, plan, desk_clerk, village_agent_a, today):
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="交综治中心", unit=units.zongzhi, deadline=today + timedelta(days=5)
    )
    with pytest.raises(NotAllowed):
        acc.decision_mark_done(decision=decision, actor=village_agent_a)


MEETING_READERS = {"desk_clerk", "leader", "inspector", "administrator"}


@pytest.mark.parametrize("name", PERSONAS)
def test_meetings_visible_to(request, plan, name):
    meeting = plan()
    user = request.getfixturevalue(name)
    assert list(meetings_visible_to(user)) == ([meeting] if name in MEETING_READERS else [])


def test_a_leader_sees_the_decisions_they_must_carry_out(register, units, plan, desk_clerk, leader, today):
    from accountability.selectors import decisions_to_carry_out

    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="包案化解", unit=units.zongzhi, leader=leader, deadline=today
    )
    assert list(decisions_to_carry_out(leader)) == [decision]
    acc.decision_mark_done(decision=decision, actor=leader)
    assert list(decisions_to_carry_out(leader)) == []
