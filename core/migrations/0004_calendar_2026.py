"""Seed the 2026 public holidays and make-up working days (国务院办公厅关于2026年部分节假日安排的通知)."""

from django.db import migrations

from core.calendar_data import CALENDAR_2026


def seed_2026(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.bulk_create(CalendarDay(date=day, kind=kind, name=name) for day, kind, name in CALENDAR_2026)


def unseed_2026(apps, schema_editor):
    # Only the dates this migration wrote; days an administrator added for other years stay.
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _kind, _name in CALENDAR_2026]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_calendar_day"),
    ]

    operations = [
        migrations.RunPython(seed_2026, unseed_2026),
    ]
