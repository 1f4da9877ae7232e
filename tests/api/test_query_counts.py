"""The query count of every list endpoint is pinned, and stays the same when rows are added."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountability import services as acc
from core.notifications import notifications_send
from petitions.states import Origin, State
from reports.models import ReportSnapshot
from reports.services import report_generate
from tests.factories import GridFactory, VillageFactory

# url → (persona, queries). Paginated lists: one count, one page (+ prefetches).
PINNED = {
    "/api/v1/petitions/": ("desk_clerk", 2),
    "/api/v1/assignments/": ("desk_clerk", 2),
    "/api/v1/petitioners/": ("desk_clerk", 3),
    "/api/v1/categories/": ("desk_clerk", 1),
    "/api/v1/units/": ("desk_clerk", 1),
    "/api/v1/villages/": ("desk_clerk", 1),
    "/api/v1/grids/": ("desk_clerk", 1),
    "/api/v1/meetings/": ("desk_clerk", 2),
    "/api/v1/decisions/": ("desk_clerk", 2),
    "/api/v1/supervisions/": ("inspector", 2),
    "/api/v1/accountability-records/": ("inspector", 3),
    "/api/v1/reports/": ("desk_clerk", 2),
    "/api/v1/notifications/": ("desk_clerk", 2),
}


def grow(n, *, register, walk, town, units, desk_clerk, leader, inspector, handler):
    """Add ``n`` of every kind of row the lists show."""
    today = timezone.localdate()
    for i in range(n):
        village = VillageFactory(town=town, code=f"3415021052{50 + i + n * 3:02d}", name=f"新村{i}-{n}")
        GridFactory(village=village, number=1, name="第一网格")
        petition = walk(
            register(title=f"诉求{i}", origin=Origin.ASSIGNED, upstream_reference=f"LA-{n}-{i}"), State.HANDLING
        )
        meeting = acc.meeting_plan(town=town, actor=desk_clerk, date=today + timedelta(days=10 * n + i + 1))
        item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=petition)
        acc.meeting_hold(meeting=meeting, actor=desk_clerk)
        acc.decision_record(
            item=item, actor=desk_clerk, resolution="限期办结", unit=units.zongzhi, deadline=today + timedelta(days=9)
        )
        supervision = acc.supervision_open(
            town=town, actor=inspector, reason="delay", description="超期", rectify_by=today + timedelta(days=5),
            petition=petition,
        )  # fmt: skip
        acc.accountability_record_add(
            town=town, actor=inspector, person=handler, form="reminder_talk", reason="超期", decided_on=today,
            petitions=[petition], supervision=supervision,
        )  # fmt: skip
        report_generate(
            kind=ReportSnapshot.Kind.WEEKLY_CIRCULAR, town=town, period_start=today - timedelta(weeks=10 * n + i)
        )
        notifications_send(recipients=[desk_clerk], title=f"通知{i}")


@pytest.mark.parametrize("url", list(PINNED))
def test_list_query_count_is_pinned(
    url, api, request, register, walk, town, units, desk_clerk, leader, inspector, handler
):
    persona, expected = PINNED[url]
    client = api(request.getfixturevalue(persona))
    people = {"desk_clerk": desk_clerk, "leader": leader, "inspector": inspector, "handler": handler}
    counts = []
    for n in (1, 3):
        grow(n, register=register, walk=walk, town=town, units=units, **people)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert rows, url
        counts.append(len(queries))
    assert counts == [expected, expected], f"{url}: {counts}"
