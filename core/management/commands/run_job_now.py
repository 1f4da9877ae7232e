"""Run scheduled jobs now, through the scheduler itself.

Each named entry of the beat schedule gets a one-off clocked entry in django-celery-beat's
table, so the running ``celery beat`` sends it to the broker within seconds and a worker
runs it — the same path the nightly run takes. With ``--wait`` the command waits for each
job's ``JobRun`` row (jobs that record one) and fails if a job failed or did not finish."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, PeriodicTask


def job_run_name(task: str) -> str:
    """``reports.tasks.weekly_circular`` records its runs as ``reports.weekly_circular``."""
    return task.replace(".tasks.", ".", 1)


class Command(BaseCommand):
    help = "Queue scheduled jobs (names from the beat schedule) to run now through celery beat."

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="+", help="names from CELERY_BEAT_SCHEDULE, e.g. weekly-circular")
        parser.add_argument("--wait", type=int, default=0, help="seconds to wait for each job's JobRun row")

    def handle(self, *args, jobs, wait, **options):
        unknown = [name for name in jobs if name not in settings.CELERY_BEAT_SCHEDULE]
        if unknown:
            raise CommandError(
                f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(sorted(settings.CELERY_BEAT_SCHEDULE))}"
            )
        queued_at = timezone.now()
        for name in jobs:
            task = settings.CELERY_BEAT_SCHEDULE[name]["task"]
            clocked = ClockedSchedule.objects.create(clocked_time=queued_at)
            PeriodicTask.objects.create(
                name=f"{name} (run now {queued_at:%Y-%m-%d %H:%M:%S.%f})", task=task, clocked=clocked, one_off=True
            )
            self.stdout.write(f"queued {name} ({task})")
        if wait:
            self._wait(jobs, queued_at, wait)

    def _wait(self, jobs, since, seconds):
        from reports.models import JobRun

        expected = {job_run_name(settings.CELERY_BEAT_SCHEDULE[name]["task"]): name for name in jobs}
        deadline = time.monotonic() + seconds
        done: dict[str, JobRun] = {}
        while time.monotonic() < deadline and len(done) < len(expected):
            for run in JobRun.objects.filter(name__in=expected, started_at__gte=since).order_by("started_at"):
                done.setdefault(run.name, run)
            time.sleep(1)
        for name, job in expected.items():
            run = done.get(name)
            if run is None:
                self.stdout.write(f"{job}: did not run within {seconds} s")
            else:
                state = "ok" if run.ok else "FAILED"
                self.stdout.write(f"{job}: {state} in {run.duration.total_seconds():.1f} s — {run.message[:200]}")
        if len(done) < len(expected) or not all(run.ok for run in done.values()):
            raise CommandError("Not every job ran successfully.")
