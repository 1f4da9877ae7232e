"""Writes of the reports app: generate a report snapshot (once per period), record job runs."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import NotificationKind, Town
from core.services import notifications_send
from reports import selectors
from reports.models import JobRun, ReportSnapshot

log = logging.getLogger(__name__)
Kind = ReportSnapshot.Kind


def report_period(*, kind: str, day: date) -> selectors.Period:
    """The week (Monday–Sunday) or calendar month that contains ``day``."""
    if kind == Kind.WEEKLY_CIRCULAR:
        return selectors.week_of(day)
    if kind == Kind.MONTHLY_ANALYSIS:
        return selectors.month_of(day)
    raise ValueError(f"unknown report kind {kind!r}")


def previous_period(*, kind: str, today: date) -> selectors.Period:
    """The last complete week or month before ``today``."""
    current = report_period(kind=kind, day=today)
    return report_period(kind=kind, day=current.start - timedelta(days=1))


def _figures(kind: str, town: Town, start: date) -> dict:
    if kind == Kind.WEEKLY_CIRCULAR:
        return selectors.weekly_circular(town=town, week_start=start)
    return selectors.monthly_analysis(town=town, month_start=start)


def report_generate(*, kind: str, town: Town, period_start: date, actor=None) -> ReportSnapshot:
    """The snapshot of ``kind`` for the period containing ``period_start``: made once, then
    found. A rerun or a re-delivered task returns the existing row and notifies nobody."""
    period = report_period(kind=kind, day=period_start)
    existing = ReportSnapshot.objects.filter(kind=kind, town=town, period_start=period.start).first()
    if existing is not None:
        return existing
    figures = _figures(kind, town, period.start)
    try:
        with transaction.atomic():
            snapshot = ReportSnapshot.objects.create(
                kind=kind,
                town=town,
                period_start=period.start,
                period_end=period.end,
                figures=figures,
                version=selectors.FIGURES_VERSION,
                generated_at=timezone.now(),
                generated_by=actor if getattr(actor, "pk", None) else None,
            )
            notifications_send(
                recipients=[*selectors.town_leaders(town), *selectors.village_agents(town)],
                url=reverse("reports:detail", args=[snapshot.pk]),
                kind=NotificationKind.REPORT,
                title=_("%(report)s %(start)s – %(end)s is ready")
                % {"report": snapshot.get_kind_display(), "start": period.start, "end": period.end},
                body=_("%(count)s petitions registered in the period.")
                % {"count": figures["new"]["count"] if kind == Kind.WEEKLY_CIRCULAR else figures["registered"]},
            )
    except IntegrityError:
        # Another run made it between our look and our insert.
        return ReportSnapshot.objects.get(kind=kind, town=town, period_start=period.start)
    return snapshot


def report_request(*, kind: str, town: Town, day: date, actor) -> ReportSnapshot | None:
    """An administrator asks for the report of a past period. The existing snapshot when
    there is one (never a second); otherwise the job is queued after the caller's transaction
    commits and None is returned. Queued twice, it still makes one snapshot."""
    from reports import tasks

    if kind not in Kind.values:
        raise ValueError(f"unknown report kind {kind!r}")
    period = report_period(kind=kind, day=day)
    if period.end >= timezone.localdate():
        raise ValueError("only a period that has ended can be reported on")
    existing = ReportSnapshot.objects.filter(kind=kind, town=town, period_start=period.start).first()
    if existing is not None:
        return existing
    args = (kind, town.pk, period.start.isoformat(), getattr(actor, "pk", None))
    transaction.on_commit(lambda: tasks.generate_report.delay(*args))
    return None


def reports_generate_due(*, kind: str, today: date | None = None) -> list[ReportSnapshot]:
    """The scheduled run: the previous week or month for every town."""
    today = today or timezone.localdate()
    period = previous_period(kind=kind, today=today)
    return [report_generate(kind=kind, town=town, period_start=period.start) for town in Town.objects.order_by("pk")]


def job_run_record(*, name: str, started_at, ok: bool, message: str = "") -> JobRun:
    finished = timezone.now()
    return JobRun.objects.create(
        name=name, started_at=started_at, finished_at=finished, duration=finished - started_at, ok=ok, message=message
    )
