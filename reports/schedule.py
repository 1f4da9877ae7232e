"""The beat schedule in words: as configured in settings, and as stored by django-celery-beat
(which the beat process actually follows; an administrator may change it in the admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEEKDAYS = {
    "0": gettext_lazy("Sunday"),
    "1": gettext_lazy("Monday"),
    "2": gettext_lazy("Tuesday"),
    "3": gettext_lazy("Wednesday"),
    "4": gettext_lazy("Thursday"),
    "5": gettext_lazy("Friday"),
    "6": gettext_lazy("Saturday"),
    "7": gettext_lazy("Sunday"),
}


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    task: str
    configured: str
    stored: str | None  # None: not in the database yet (beat stores it when it starts)
    enabled: bool | None
    last_run_at: datetime | None


def describe_cron(minute: str, hour: str, day_of_month: str, month_of_year: str, day_of_week: str) -> str:
    expression = f"{minute} {hour} {day_of_month} {month_of_year} {day_of_week}"
    if not (minute.isdigit() and hour.isdigit() and month_of_year == "*"):
        return _("cron %(expression)s") % {"expression": expression}
    at = f"{int(hour):02d}:{int(minute):02d}"
    if day_of_month == "*" and day_of_week == "*":
        return _("every day at %(time)s") % {"time": at}
    if day_of_month == "*" and day_of_week in WEEKDAYS:
        return _("every %(weekday)s at %(time)s") % {"weekday": WEEKDAYS[day_of_week], "time": at}
    if day_of_week == "*" and day_of_month.isdigit():
        return _("on day %(day)s of every month at %(time)s") % {"day": day_of_month, "time": at}
    return _("cron %(expression)s") % {"expression": expression}


def describe(schedule) -> str:
    if isinstance(schedule, crontab):
        return describe_cron(
            str(schedule._orig_minute),
            str(schedule._orig_hour),
            str(schedule._orig_day_of_month),
            str(schedule._orig_month_of_year),
            str(schedule._orig_day_of_week),
        )
    seconds = getattr(schedule, "total_seconds", lambda: schedule)()
    return _("every %(seconds)s seconds") % {"seconds": int(seconds)}


def _describe_stored(task) -> str | None:
    if task.crontab_id:
        c = task.crontab
        return describe_cron(c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week)
    if task.interval_id:
        i = task.interval
        return _("every %(every)s %(period)s") % {"every": i.every, "period": i.get_period_display()}
    return None


def beat_schedule() -> list[ScheduleEntry]:
    """One query: the stored periodic tasks of the configured entries."""
    from django_celery_beat.models import PeriodicTask

    configured = getattr(settings, "CELERY_BEAT_SCHEDULE", {})
    stored = {
        task.name: task
        for task in PeriodicTask.objects.filter(name__in=list(configured)).select_related("crontab", "interval")
    }
    entries = []
    for name, entry in sorted(configured.items()):
        task = stored.get(name)
        entries.append(
            ScheduleEntry(
                name=name,
                task=entry["task"],
                configured=describe(entry["schedule"]),
                stored=_describe_stored(task) if task else None,
                enabled=task.enabled if task else None,
                last_run_at=task.last_run_at if task else None,
            )
        )
    return entries
