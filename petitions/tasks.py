"""Thin Celery tasks over the petitions services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, connection
from django.utils import timezone

from core import statistics
from petitions import deadlines


@shared_task(
    name="petitions.tasks.deadline_sweep",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def deadline_sweep() -> dict:
    """Early each morning: recompute deadlines, alert on cases turning amber or red."""
    from reports.services import job_run_record

    started = timezone.now()
    try:
        result = deadlines.deadlines_sweep()
    except Exception as error:
        job_run_record(name="petitions.deadline_sweep", started_at=started, ok=False, message=repr(error)[:2000])
        raise
    if connection.vendor == "sqlite":  # no autovacuum there: the day's rows into the planner's statistics
        statistics.refresh()
    message = f"recomputed {result.recomputed}, amber {result.amber}, red {result.red}, notified {result.notified}"
    job_run_record(name="petitions.deadline_sweep", started_at=started, ok=True, message=message)
    return result.__dict__
