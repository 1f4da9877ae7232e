"""Reads for the core app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.models import JobHeartbeat, Town

HEARTBEAT = "job-runner-heartbeat"


@dataclass(frozen=True)
class JobRunnerStatus:
    last_seen: datetime | None
    alive: bool


def job_runner_status() -> JobRunnerStatus:
    heartbeat = JobHeartbeat.objects.filter(name=HEARTBEAT).only("last_seen").first()
    if heartbeat is None:
        return JobRunnerStatus(last_seen=None, alive=False)
    stale_after = timedelta(minutes=settings.JOB_RUNNER_STALE_MINUTES)
    return JobRunnerStatus(last_seen=heartbeat.last_seen, alive=timezone.now() - heartbeat.last_seen <= stale_after)


def town_for_request(user) -> Town | None:
    """The town a page speaks for: the user's own, else the deployment's first town."""
    if getattr(user, "is_authenticated", False) and user.town_id:
        return user.town
    return Town.objects.order_by("code").first()
