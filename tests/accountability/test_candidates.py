"""The discipline committee's candidates list, one rule at a time, and responsibility tracing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability import services as acc
from accountability.models import Decision
from accountability.selectors import candidates, responsibility_chain
from accountability.states import CandidateRule
from petitions.models import Petition
from petitions.states import Action, Satisfaction, State


def rules(user, today) -> set[tuple[str, int]]:
    return {(c.rule, c.petition.pk) for c in candidates(user, today=today)}


def test_a_case_on_time_is_no_candidate(register, walk, inspector, today):
    walk(register(), State.HANDLING, notified=True)
    walk(register(), State.CLOSED)
    assert rules(inspector, today) == set()


def test_overdue_cases(register, walk, inspector, today):
    petition = walk(register(), State.HANDLING, notified=True)
    Petition.objects.filter(pk=petition.pk).update(next_due=today - timedelta(days=1))
    assert rules(inspector, today) == {(CandidateRule.OVERDUE, petition.pk)}


def test_cases_late_to_notify(register, walk, inspector, today):
    petition = walk(register(), State.HANDLING)
    Petition.objects.filter(pk=petition.pk).update(notify_due=today - timedelta(days=1))
    assert rules(inspector, today) == {(CandidateRule.LATE_NOTICE, petition.pk)}


def test_cases_notified_after_the_deadline(register, walk, inspector, today):
    petition = walk(register(), State.HANDLING, notified=True)
    Petition.objects.filter(pk=petition.pk).update(notify_due=today - timedelta(days=1))
    assert rules(inspector, today) == {(CandidateRule.LATE_NOTICE, petition.pk)}


def test_dissatisfied_follow_ups(register, walk, act, desk_clerk, inspector, today):
    petition = act(
        Action.FOLLOW_UP, walk(register(), State.REPLIED), desk_clerk, satisfaction=Satisfaction.DISSATISFIED
    )
    assert petition.state == State.CLOSED
    assert rules(inspector, today) == {(CandidateRule.DISSATISFIED, petition.pk)}


def test_redo_cases(register, walk, act, desk_clerk, inspector, today):
    petition = act(Action.FOLLOW_UP, walk(register(), State.REPLIED), desk_clerk, to=State.HANDLING)
    assert rules(inspector, today) == {(CandidateRule.DISSATISFIED, petition.pk), (CandidateRule.REDO, petition.pk)}


def test_repeat_petitions(register, act, desk_clerk, inspector, today):
    earlier = register(title="第一次反映")
    petition = act(Action.LINK_REPEAT, register(), desk_clerk, earlier=earlier)
    assert rules(inspector, today) == {(CandidateRule.REPEAT, petition.pk)}


def test_decisions_not_carried_out_by_their_deadline(register, units, plan, desk_clerk, inspector, today):
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="限期办结", unit=units.zongzhi, deadline=today + timedelta(days=10)
    )
    assert rules(inspector, today) == set()
    later = today + timedelta(days=11)
    found = [c for c in candidates(inspector, today=later) if c.rule == CandidateRule.DECISION_NOT_DONE]
    assert [(c.petition, c.decision) for c in found] == [(item.petition, decision)]
    Decision.objects.filter(pk=decision.pk).update(state="done")
    assert not [c for c in candidates(inspector, today=later) if c.rule == CandidateRule.DECISION_NOT_DONE]


def test_an_overdue_accusation_is_a_candidate_for_inspectors_only(accusation, walk, inspector, leader, today):
    secret = walk(accusation(), State.HANDLING, notified=True)
    Petition.objects.filter(pk=secret.pk).update(next_due=today - timedelta(days=1))
    assert rules(inspector, today) == {(CandidateRule.OVERDUE, secret.pk)}
    assert rules(leader, today) == set()


def test_the_list_costs_the_same_queries_however_many_cases(register, walk, act, desk_clerk, inspector, today):
    def add_one_of_each():
        late = walk(register(), State.HANDLING)
        Petition.objects.filter(pk=late.pk).update(next_due=today - timedelta(days=1), notify_due=today)
        act(Action.FOLLOW_UP, walk(register(), State.REPLIED), desk_clerk, to=State.HANDLING)
        act(Action.LINK_REPEAT, register(), desk_clerk, earlier=register())

    add_one_of_each()
    with CaptureQueriesContext(connection) as first:
        assert len(candidates(inspector, today=today)) == 4
    add_one_of_each()
    with CaptureQueriesContext(connection) as second:
        assert len(candidates(inspector, today=today)) == 8
    assert len(first) == len(second)


# --- Responsibility tracing --------------------------------------------------------------------


def test_responsibility_chain(register, walk, act, units, plan, clock, today, desk_clerk, leader, village_agent_a):
    petition = walk(register(), State.HANDLING, via="village")
    clock.set(today + timedelta(days=20))  # village A never sent the written notice
    petition = act(Action.ESCALATE, petition, village_agent_a)
    meeting = plan(days=0)
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    deadline = today + timedelta(days=30)
    acc.decision_record(
        item=item, actor=desk_clerk, resolution="综治中心牵头", unit=units.zongzhi, leader=leader, deadline=deadline
    )
    petition.refresh_from_db()

    chain = responsibility_chain(petition, today=today + timedelta(days=40))

    assert [h.action for h in chain] == [Action.REGISTER, Action.ASSIGN, Action.ESCALATE, Action.MEETING_DECISION]
    desk, village, back_at_desk, zongzhi = chain
    assert desk.missed == [] and desk.unit is None
    assert village.unit == units.village_a
    assert village_agent_a in village.actors
    assert village.missed == ["notify"]
    assert village.end == back_at_desk.start
    assert back_at_desk.missed == []
    assert (zongzhi.unit, zongzhi.leader, zongzhi.end) == (units.zongzhi, leader, None)
    assert zongzhi.deadlines["decision"] == deadline
    assert zongzhi.missed == ["decision"]


@pytest.mark.parametrize("days", [5, 70])
def test_the_handling_deadline_is_missed_only_when_the_reply_is_late(register, walk, act, clock, today, handler, days):
    petition = walk(register(), State.HANDLING, notified=True)
    clock.set(today + timedelta(days=days))
    petition = act(Action.REPLY, petition, handler)
    chain = responsibility_chain(petition, today=today + timedelta(days=100))
    assert chain[-1].unit == petition.unit
    assert chain[-1].missed == ([] if days == 5 else ["handle"])
