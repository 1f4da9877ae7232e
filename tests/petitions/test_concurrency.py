"""Two users change the same case at the same moment, each on their own database connection:
one succeeds, the other is told, and nothing is overwritten. PostgreSQL only (row locks)."""

import threading
import time

import pytest
from django.db import connection, connections

from petitions import clocks
from petitions import services as s
from petitions.errors import StaleVersion
from petitions.models import Petition, TimelineEntry
from petitions.states import Action, State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(*jobs):
    """Run the jobs in threads that start together; each uses its own connection."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            start.wait()
            results[i] = job()
        except Exception as error:  # the outcome under test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def slow_next_due(monkeypatch):
    """Hold the row lock a moment, so the second change really waits on the first."""
    original = clocks.next_due

    def slow(petition):
        time.sleep(0.3)
        return original(petition)

    monkeypatch.setattr(clocks, "next_due", slow)


def test_two_clerks_routing_the_same_case_one_wins_one_is_told(
    monkeypatch, reference_data, register, units, desk_clerk, leader
):
    p = register()
    slow_next_due(monkeypatch)
    results = race(
        lambda: s.petition_accept(petition=p, actor=desk_clerk, version=p.version, note="镇里直接办"),
        lambda: s.petition_assign(petition=p, actor=leader, version=p.version, unit=units.zongzhi, note="交综治中心"),
    )
    winners = [r for r in results if isinstance(r, Petition)]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    assert len(winners) == 1 and len(losers) == 1, results
    fresh = Petition.objects.get(pk=p.pk)
    assert fresh.state == State.HANDLING and fresh.version == p.version + 1
    routed = TimelineEntry.objects.filter(petition=p, action__in=[Action.ACCEPT, Action.ASSIGN])
    assert routed.count() == 1
    assert fresh.unit == winners[0].unit  # the loser's unit was not written over the winner's


def test_a_note_and_a_reply_at_once_both_land_in_order(monkeypatch, reference_data, register, walk, handler):
    p = walk(register(), State.HANDLING)
    slow_next_due(monkeypatch)
    results = race(
        lambda: s.petition_add_note(petition=p, actor=handler, version=None, text="已约谈双方"),
        lambda: s.petition_add_note(petition=p, actor=handler, version=None, text="已实地查看"),
    )
    assert all(isinstance(r, Petition) for r in results), results
    fresh = Petition.objects.get(pk=p.pk)
    assert fresh.version == p.version + 2  # serialized by the row lock, neither lost
    assert TimelineEntry.objects.filter(petition=p, action=Action.NOTE).count() == 2
