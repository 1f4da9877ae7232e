"""The daily deadline sweep: who is told when a case turns amber or red, and only once."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils.translation import gettext as _

from core.models import Notification, NotificationKind
from petitions import tasks
from petitions.deadlines import deadlines_sweep
from petitions.models import Petition
from petitions.states import Action, Light
from reports.models import JobRun

START = date(2026, 3, 2)  # route due 15 days later, on 17 March


def due_soon(number, day):
    return _("%(number)s is due by %(due)s") % {"number": number, "due": day}


def overdue(number, day):
    return _("%(number)s is overdue: its deadline was %(due)s") % {"number": number, "due": day}


def titles(user):
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.DEADLINE)
        .order_by("id")
        .values_list("title", flat=True)
    )


@pytest.fixture
def assigned(clock, register, act, units, desk_clerk, leader, handler):
    """Assigned to the 综治中心 (head: the handler) under the leader, on 2 March."""
    clock.set(START)
    p = register()
    p = act(Action.ASSIGN, p, desk_clerk, leader=leader, handler=handler)
    return p


def test_a_registered_case_turning_amber_tells_the_desk_clerks(clock, register, desk_clerk, leader, inspector):
    clock.set(START)
    p = register()
    clock.set(START + timedelta(days=13))  # due on the 17th: 3 days left is amber
    result = deadlines_sweep()
    assert (result.amber, result.red) == (1, 0)
    assert titles(desk_clerk) == [due_soon(p.tracking_number, "2026-03-17")]
    assert titles(leader) == [] and titles(inspector) == []
    p.refresh_from_db()
    assert (p.alerted_light, p.alerted_due) == (Light.AMBER, date(2026, 3, 17))


def test_handler_leader_and_unit_head_are_told_once_per_colour(clock, assigned, handler, leader, desk_clerk):
    deadline = Petition.objects.get(pk=assigned.pk).next_due  # the 15-day written notice
    clock.set(deadline - timedelta(days=10))
    assert deadlines_sweep().notified == 0  # still green
    clock.set(deadline - timedelta(days=2))
    first = deadlines_sweep()
    again = deadlines_sweep()
    assert (first.amber, first.notified) == (1, 2)  # the handler heads the unit: told once
    assert (again.amber, again.red, again.notified) == (0, 0, 0)
    clock.set(deadline + timedelta(days=1))
    red = deadlines_sweep()
    assert (red.red, red.notified) == (1, 2)
    assert deadlines_sweep().notified == 0
    assert titles(handler) == [
        due_soon(assigned.tracking_number, deadline.isoformat()),
        overdue(assigned.tracking_number, deadline.isoformat()),
    ]
    assert len(titles(leader)) == 2 and titles(desk_clerk) == []


def test_a_new_deadline_is_alerted_afresh(clock, assigned, act, handler):
    due = Petition.objects.get(pk=assigned.pk).next_due
    clock.set(due - timedelta(days=1))
    deadlines_sweep()
    p = act(Action.NOTIFY, Petition.objects.get(pk=assigned.pk), handler)  # the notice is sent
    assert p.next_due > due  # now the 60-day handling deadline counts
    clock.set(p.next_due - timedelta(days=3))
    assert deadlines_sweep().amber == 1
    assert len(titles(handler)) == 2


def test_accusations_are_told_only_to_the_discipline_committee(clock, accusation, act, desk_clerk, inspector, leader):
    clock.set(START)
    p = accusation()
    clock.set(START + timedelta(days=16))
    assert deadlines_sweep().red == 1
    assert titles(desk_clerk) == [] and titles(leader) == []
    assert titles(inspector) == [overdue(p.tracking_number, "2026-03-17")]


def test_a_stale_next_due_is_recomputed(clock, assigned):
    Petition.objects.filter(pk=assigned.pk).update(next_due=date(2030, 1, 1))
    assert deadlines_sweep().recomputed == 1
    assert Petition.objects.get(pk=assigned.pk).next_due == assigned.next_due
    assert deadlines_sweep().recomputed == 0


def test_the_task_records_its_run_and_is_scheduled_early_each_morning(clock, assigned):
    clock.set(assigned.next_due + timedelta(days=1), hour=5, minute=30)
    tasks.deadline_sweep.apply()
    tasks.deadline_sweep.apply()
    runs = list(JobRun.objects.filter(name="petitions.deadline_sweep").order_by("id").values_list("ok", "message"))
    assert runs[0][0] and "red 1" in runs[0][1] and "red 0" in runs[1][1]
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-sweep"]
    assert entry["task"] == tasks.deadline_sweep.name and entry["schedule"].hour == {5}
