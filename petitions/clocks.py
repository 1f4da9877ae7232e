"""The legal clocks: time limits (editable), deadlines and the traffic light."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.workdays import CACHE_SECONDS, add_days
from petitions.models import Petition, TimeLimit
from petitions.states import Light, State

Key = TimeLimit.Key
# (days, counted in working days) — the 2022 Regulations on Petition Work.
DEFAULTS: dict[str, tuple[int, bool]] = {
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
# (monotonic time it was loaded, the table). Saving or deleting a TimeLimit clears the cache
# of the process that did it; other processes (the other web workers, the job runner) reload
# the table after CACHE_SECONDS, as core.workdays does for the calendar.
_cache: tuple[float, dict[str, tuple[int, bool]]] | None = None


def limits() -> dict[str, tuple[int, bool]]:
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > CACHE_SECONDS:
        table = dict(DEFAULTS)
        for row in TimeLimit.objects.all():
            table[row.key] = (row.days, row.working_days)
        _cache = (now, table)
    return _cache[1]


def clear_cache() -> None:
    global _cache
    _cache = None


def _forget(**kwargs) -> None:
    """Clear at once (for the rest of this transaction) and again after commit."""
    clear_cache()
    transaction.on_commit(clear_cache)


post_save.connect(_forget, sender=TimeLimit, dispatch_uid="petitions.clocks.forget_save")
post_delete.connect(_forget, sender=TimeLimit, dispatch_uid="petitions.clocks.forget_delete")


def today() -> date:
    return timezone.localdate()


def due(key: str, start: date) -> date:
    days, working = limits()[key]
    return add_days(start, days, working=working)


def limit_days(key: str) -> int:
    return limits()[key][0]


def handle_due(accepted: date, *, extension_days: int = 0, upstream_due: date | None = None) -> date:
    """60 days from acceptance, plus an approved extension; an earlier upstream due date wins."""
    deadline = due(Key.HANDLE, accepted) + timedelta(days=extension_days)
    if upstream_due is not None and upstream_due < deadline:
        return upstream_due
    return deadline


def next_due(petition: Petition) -> date | None:
    """The first deadline the petition must meet in its current state."""
    if petition.state == State.REGISTERED:
        return petition.route_due
    if petition.state == State.HANDLING:
        candidates = [petition.handle_due, petition.report_due]
        if petition.notified_at is None:
            candidates.append(petition.notify_due)
        present = [d for d in candidates if d is not None]
        return min(present) if present else None
    if petition.state == State.UNDER_REVIEW:
        return petition.review_due
    if petition.state == State.UNDER_RE_REVIEW:
        return petition.re_review_due
    return None


def light_for(deadline: date | None, *, on: date | None = None) -> str | None:
    if deadline is None:
        return None
    on = on or today()
    if deadline < on:
        return Light.RED
    if deadline <= on + timedelta(days=limit_days(Key.AMBER)):
        return Light.AMBER
    return Light.GREEN


def light_bounds(light: str, *, on: date | None = None) -> dict[str, date]:
    """Filter arguments on `next_due` that select one light (for lists and counts)."""
    on = on or today()
    amber_until = on + timedelta(days=limit_days(Key.AMBER))
    if light == Light.RED:
        return {"next_due__lt": on}
    if light == Light.AMBER:
        return {"next_due__gte": on, "next_due__lte": amber_until}
    return {"next_due__gt": amber_until}
