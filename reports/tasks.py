"""Thin Celery tasks over reports.services. Each records its run in JobRun."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.models import Town
from reports import services
from reports.models import ReportSnapshot

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "soft_time_limit": 600,
    "time_limit": 660,
    "ignore_result": True,
}


def _run(name: str, kind: str) -> int:
    started = timezone.now()
    try:
        made = services.reports_generate_due(kind=kind)
    except Exception as error:
        services.job_run_record(name=name, started_at=started, ok=False, message=repr(error)[:2000])
        raise
    periods = ", ".join(sorted({f"{s.town_id}:{s.period_start:%Y-%m-%d}" for s in made}))
    services.job_run_record(name=name, started_at=started, ok=True, message=periods)
    return len(made)


@shared_task(name="reports.tasks.weekly_circular", **RETRY)
def weekly_circular() -> int:
    return _run("reports.weekly_circular", ReportSnapshot.Kind.WEEKLY_CIRCULAR)


@shared_task(name="reports.tasks.monthly_analysis", **RETRY)
def monthly_analysis() -> int:
    return _run("reports.monthly_analysis", ReportSnapshot.Kind.MONTHLY_ANALYSIS)


@shared_task(name="reports.tasks.generate_report", **RETRY)
def generate_report(kind: str, town_id: int, period_start_iso: str, actor_id: int | None = None) -> int:
    """On demand (an administrator asks for a past period); by id, idempotent."""
    from django.contrib.auth import get_user_model

    town = Town.objects.get(pk=town_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    started = timezone.now()
    snapshot = services.report_generate(
        kind=kind, town=town, period_start=date.fromisoformat(period_start_iso), actor=actor
    )
    services.job_run_record(
        name="reports.generate_report", started_at=started, ok=True, message=f"{kind} {town_id} {snapshot.period_start}"
    )
    return snapshot.pk
