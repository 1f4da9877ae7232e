"""Early-warning rule, one snapshot per period, the scheduled jobs and a real worker, the demo year."""

import time
from datetime import date, datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accountability.models import AccountabilityRecord, AgendaItem, Meeting, Supervision
from accountability.states import MeetingState
from config.celery import app
from core.models import Notification
from petitions.models import Category
from reports import selectors, services, tasks
from reports.models import JobRun, ReportSnapshot

WEEKLY = ReportSnapshot.Kind.WEEKLY_CIRCULAR
MONTHLY = ReportSnapshot.Kind.MONTHLY_ANALYSIS
END = date(2026, 12, 1)  # the demo year's analyses: January to November


def test_early_warning_flags_only_far_above_the_baseline(clock, register, town, village_a):
    steady = Category.objects.get(code="land-contract")
    sudden = Category.objects.get(code="social-assistance")
    for i in range(12):  # one steady petition a month from March 2025 to February 2026
        year, month = divmod(2025 * 12 + 2 + i, 12)
        clock.set(date(year, month + 1, 15))
        register(category=steady)
    clock.set(date(2026, 3, 10))
    for _ in range(3):
        register(category=steady)  # 3 ≥ 1 + 2·0 but not 5 above the mean of 1: within
    for _ in range(6):
        register(category=sudden)  # 6 ≥ 0 + 2·0 and 6 ≥ 0 + 5: far above
    warning = selectors.monthly_analysis(town=town, month_start=date(2026, 3, 1))["early_warning"]
    assert [(w["name"], w["count"], w["mean"], w["sd"]) for w in warning["categories"]] == [(str(sudden), 6, 0.0, 0.0)]
    assert [(w["name"], w["count"], w["mean"]) for w in warning["villages"]] == [(village_a.name, 9, 1.0)]
    assert warning["repeat_petitioners"] == [{"petitioner": "刘*", "count": 11}]  # Jan, Feb + 9 in March


def test_a_report_is_made_once_and_never_changed(clock, town, leader):
    clock.set(date(2026, 3, 16))
    first = services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 3, 11))
    again = services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 3, 9))
    assert first.pk == again.pk
    assert (first.period_start, first.period_end) == (date(2026, 3, 9), date(2026, 3, 15))
    assert ReportSnapshot.objects.count() == 1
    assert Notification.objects.filter(recipient=leader).count() == 1
    first.figures = {}
    with pytest.raises(TypeError):
        first.save()


def test_scheduled_jobs_twice_make_one_snapshot_each(clock, town):
    clock.set(date(2026, 4, 1), hour=6)
    tasks.monthly_analysis.apply()
    tasks.monthly_analysis.apply()
    clock.set(date(2026, 4, 6), hour=8)  # a Monday
    tasks.weekly_circular.apply()
    tasks.weekly_circular.apply()
    assert list(ReportSnapshot.objects.order_by("kind").values_list("kind", "period_start", "period_end")) == [
        (MONTHLY, date(2026, 3, 1), date(2026, 3, 31)),
        (WEEKLY, date(2026, 3, 30), date(2026, 4, 5)),
    ]
    runs = JobRun.objects.order_by("id")
    assert [(r.name, r.ok) for r in runs] == [("reports.monthly_analysis", True)] * 2 + [
        ("reports.weekly_circular", True)
    ] * 2


def test_the_jobs_are_scheduled_in_shanghai_time():
    weekly = settings.CELERY_BEAT_SCHEDULE["weekly-circular"]
    monthly = settings.CELERY_BEAT_SCHEDULE["monthly-analysis"]
    assert weekly["task"] == tasks.weekly_circular.name
    assert monthly["task"] == tasks.monthly_analysis.name
    assert weekly["schedule"].day_of_week == {1} and weekly["schedule"].hour == {8}
    assert monthly["schedule"].day_of_month == {1} and monthly["schedule"].hour == {6}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.django_db(transaction=True)
def test_report_task_travels_through_the_real_broker_to_a_worker(town):
    queue = f"test-{time.monotonic_ns()}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        tasks.generate_report.apply_async(args=[MONTHLY, town.pk, "2026-03-01"], queue=queue)
        tasks.weekly_circular.apply_async(queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            ReportSnapshot.objects.filter(kind=MONTHLY).exists() and ReportSnapshot.objects.filter(kind=WEEKLY).exists()
        ):
            time.sleep(0.2)
    assert ReportSnapshot.objects.filter(kind=MONTHLY, town=town, period_start=date(2026, 3, 1)).count() == 1
    assert ReportSnapshot.objects.filter(kind=WEEKLY, town=town).count() == 1
    assert JobRun.objects.filter(ok=True).count() == 2


@pytest.mark.django_db
def test_the_demo_years_monthly_analyses_add_up_to_860(clock):
    from desk.demo import build_demo

    town = build_demo(seed=2026, today=date(2026, 11, 26)).town
    clock.set(date(2026, 11, 26), hour=18)
    months = [
        services.report_generate(kind=MONTHLY, town=town, period_start=date(2026, m, 1)).figures for m in range(1, 12)
    ]
    assert sum(f["registered"] for f in months) == 860
    assert sum(sum(f["by_origin"].values()) for f in months) == 860
    assert sum(sum(f["by_channel"].values()) for f in months) == 860
    assert sum(sum(f["by_kind"].values()) for f in months) == 860
    assert sum(sum(c["count"] for c in f["by_category"]) for f in months) == 860
    assert sum(sum(v["count"] for v in f["by_village"]) + f["without_village"] for f in months) == 860
    assert all(f["rates"]["satisfaction"] in (None, 1.0) for f in months)  # the article: 100%
    # The demo's liaison meetings, supervisions and accountability records, month by month.
    held = Meeting.objects.filter(town=town, state__in=(MeetingState.HELD, MeetingState.CLOSED), date__lt=END)
    assert sum(sum(f["accountability"]["meetings"].values()) for f in months) == held.count() > 0
    assert (
        sum(f["accountability"]["agenda_items"] for f in months) == AgendaItem.objects.filter(meeting__in=held).count()
    )
    records = AccountabilityRecord.objects.filter(town=town, decided_on__lt=END)
    assert sum(f["accountability"]["records"] for f in months) == records.count() > 0
    opened = Supervision.objects.filter(town=town, opened_at__lt=datetime(2026, 12, 1, tzinfo=selectors.TZ))
    assert sum(f["accountability"]["supervisions"]["opened"] for f in months) == opened.count() > 0
