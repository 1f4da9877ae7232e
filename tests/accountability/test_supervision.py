"""Supervision by the discipline committee, accountability records, and the rule that
nothing of an accusation reaches the unit or person accused (Art. 30)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accountability import services as acc
from accountability.permissions import (
    accountability_records_visible_to,
    can_reply_supervision,
    supervisions_visible_to,
)
from accountability.states import AccountabilityForm, SupervisionReason, SupervisionState
from core.models import Notification
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed
from petitions.states import State
from tests.conftest import PERSONAS


@pytest.fixture
def supervise(town, inspector, today):
    def _supervise(**kwargs):
        kwargs.setdefault("reason", SupervisionReason.DELAY)
        kwargs.setdefault("description", "逾期未答复，未说明理由。")
        kwargs.setdefault("rectify_by", today + timedelta(days=7))
        return acc.supervision_open(town=town, actor=inspector, **kwargs)

    return _supervise


def test_supervision_lifecycle(register, walk, supervise, units, handler, inspector):
    petition = walk(register(), State.HANDLING)
    supervision = supervise(petition=petition, listed=True)
    assert (supervision.unit, supervision.state, supervision.listed) == (units.zongzhi, SupervisionState.OPEN, True)
    assert Notification.objects.filter(recipient=handler).count() == 1
    replied = acc.supervision_reply(supervision=supervision, actor=handler, text="已于3日内书面告知诉求人并加快办理。")
    assert (replied.state, replied.replied_by) == (SupervisionState.REPLIED, handler)
    assert replied.replied_at is not None
    with pytest.raises(IllegalTransition):
        acc.supervision_reply(supervision=supervision, actor=handler, text="再次答复")
    closed = acc.supervision_close(supervision=supervision, actor=inspector, result="整改到位，予以销号。")
    assert (closed.state, closed.closed_by) == (SupervisionState.CLOSED, inspector)
    assert closed.closed_at is not None
    assert list(closed.events.values_list("kind", flat=True)) == [
        "supervision_opened",
        "supervision_replied",
        "supervision_closed",
    ]


@pytest.mark.parametrize("name", [name for name in PERSONAS if name != "inspector"])
def test_only_inspectors_open_and_close_supervisions(request, town, units, supervise, today, name):
    user = request.getfixturevalue(name)
    with pytest.raises(NotAllowed):
        acc.supervision_open(
            town=town,
            actor=user,
            unit=units.zongzhi,
            reason=SupervisionReason.SHIRKING,
            description="推诿",
            rectify_by=today,
        )
    supervision = supervise(unit=units.zongzhi)
    with pytest.raises(NotAllowed):
        acc.supervision_close(supervision=supervision, actor=user, result="结束")


def test_only_the_units_members_reply(supervise, units, desk_clerk, leader, village_agent_a, handler):
    supervision = supervise(unit=units.zongzhi)
    for user in (desk_clerk, leader, village_agent_a):
        with pytest.raises(NotAllowed):
            acc.supervision_reply(supervision=supervision, actor=user, text="答复")
    assert acc.supervision_reply(supervision=supervision, actor=handler, text="已整改").state == "replied"


def test_a_supervision_needs_a_reason_a_unit_and_a_future_deadline(register, supervise, units, today):
    with pytest.raises(InvalidInput):
        supervise(petition=register())  # not assigned yet: no unit to supervise
    with pytest.raises(InvalidInput):
        supervise(unit=units.zongzhi, reason="laziness")
    with pytest.raises(InvalidInput):
        supervise(unit=units.zongzhi, rectify_by=today - timedelta(days=1))


SEES_UNIT_SUPERVISION = {"inspector", "leader", "administrator", "handler"}


@pytest.mark.parametrize("name", PERSONAS)
def test_supervisions_visible_to(request, supervise, units, name):
    supervision = supervise(unit=units.zongzhi, listed=True)
    user = request.getfixturevalue(name)
    expected = [supervision] if name in SEES_UNIT_SUPERVISION else []
    assert list(supervisions_visible_to(user)) == expected


def test_village_staff_see_their_villages_supervisions(supervise, units, village_agent_a, grid_worker_a, grid_worker_b):
    supervision = supervise(unit=units.village_a)
    assert list(supervisions_visible_to(village_agent_a)) == [supervision]
    assert list(supervisions_visible_to(grid_worker_a)) == [supervision]  # a member of the village's unit
    assert list(supervisions_visible_to(grid_worker_b)) == []


# --- Accountability records -------------------------------------------------------------------


@pytest.fixture
def record(town, inspector, today):
    def _record(person, **kwargs):
        kwargs.setdefault("form", AccountabilityForm.ADMONITION_TALK)
        kwargs.setdefault("reason", "办理不及时，敷衍塞责。")
        return acc.accountability_record_add(town=town, actor=inspector, person=person, decided_on=today, **kwargs)

    return _record


@pytest.mark.parametrize("name", PERSONAS)
def test_accountability_records_are_seen_by_inspectors_and_leaders_only(request, register, walk, record, handler, name):
    petition = walk(register(), State.HANDLING)
    entry = record(handler, petitions=[petition])
    user = request.getfixturevalue(name)
    expected = [entry] if name in ("inspector", "leader") else []
    assert list(accountability_records_visible_to(user)) == expected


@pytest.mark.parametrize("name", [name for name in PERSONAS if name != "inspector"])
def test_only_inspectors_record_accountability(request, town, handler, today, name):
    with pytest.raises(NotAllowed):
        acc.accountability_record_add(
            town=town,
            actor=request.getfixturevalue(name),
            person=handler,
            form=AccountabilityForm.REMINDER_TALK,
            reason="提醒谈话",
            decided_on=today,
        )


# --- Accusation confidentiality (Art. 30) ---------------------------------------------------------


def test_nothing_of_an_accusation_reaches_the_unit_accused(
    accusation, walk, supervise, record, units, village_agent_a, grid_worker_a, leader, desk_clerk, inspector
):
    # An accusation against a cadre of village A, handled by the discipline committee.
    secret = walk(accusation(), State.HANDLING)
    supervision = supervise(petition=secret, unit=units.village_a, reason=SupervisionReason.FALSE_REPORTING)
    entry = record(village_agent_a, petitions=[secret], form=AccountabilityForm.WRITTEN_ADMONITION)

    for user in (village_agent_a, grid_worker_a, leader, desk_clerk):
        assert not supervisions_visible_to(user).exists()
        assert not accountability_records_visible_to(user).exists()
        assert not can_reply_supervision(user, supervision)
    assert not Notification.objects.filter(recipient__in=[village_agent_a, grid_worker_a]).exists()
    with pytest.raises(NotAllowed):
        acc.supervision_reply(supervision=supervision, actor=village_agent_a, text="我们已整改")
    assert list(supervisions_visible_to(inspector)) == [supervision]
    assert list(accountability_records_visible_to(inspector)) == [entry]


def test_a_record_from_a_supervision_of_an_accusation_is_hidden_from_leaders(
    accusation, walk, supervise, record, units, handler, leader
):
    secret = walk(accusation(), State.HANDLING)
    supervision = supervise(petition=secret, unit=units.zongzhi)
    record(handler, supervision=supervision)
    assert not accountability_records_visible_to(leader).exists()


def test_listed_supervisions_for_the_leaders_dashboard(supervise, units, leader, inspector, handler):
    from accountability.selectors import listed_supervisions

    listed = supervise(unit=units.zongzhi, listed=True)
    supervise(unit=units.zongzhi, listed=False)
    done = supervise(unit=units.village_a, listed=True)
    acc.supervision_close(supervision=done, actor=inspector, result="销号")
    assert list(listed_supervisions(leader)) == [listed]
    assert list(listed_supervisions(handler)) == [listed]
