"""Thin Celery tasks over accountability.services. Each records its run in reports.JobRun."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from accountability import services
from core.models import Town
from reports.services import job_run_record

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "soft_time_limit": 600,
    "time_limit": 660,
    "ignore_result": True,
}
NAME = "accountability.build_candidate_lists"


@shared_task(name="accountability.tasks.build_candidate_lists", **RETRY)
def build_candidate_lists(day_iso: str | None = None) -> int:
    """Every town's candidates list for the day (today unless given). A rerun the same day
    stores nothing new: each town's list is built once."""
    day = date.fromisoformat(day_iso) if day_iso else timezone.localdate()
    started = timezone.now()
    built = []
    try:
        for town in Town.objects.order_by("code"):
            stored = services.candidate_list_build(town=town, day=day)
            built.append(f"{town.pk}:{stored.day:%Y-%m-%d}")
    except Exception as error:
        job_run_record(name=NAME, started_at=started, ok=False, message=repr(error)[:2000])
        raise
    job_run_record(name=NAME, started_at=started, ok=True, message=", ".join(built))
    return len(built)
