"""A report for a past period on demand, and the job runs page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import JobRun, ReportSnapshot
from tests.conftest import PERSONAS

MONTHLY = ReportSnapshot.Kind.MONTHLY_ANALYSIS
WEEKLY = ReportSnapshot.Kind.WEEKLY_CIRCULAR
URL = "/reports/generate/"


@pytest.fixture
def worker(monkeypatch):
    """The worker's side, run here when the commit hands the task over."""
    sent = []

    def delay(*args):
        sent.append(args)
        return tasks.generate_report.apply(args=args)

    monkeypatch.setattr(tasks.generate_report, "delay", delay)
    return sent


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_ask_for_a_report(persona, request, login, worker, django_capture_on_commit_callbacks):
    client = login(request.getfixturevalue(persona))
    allowed = persona == "administrator"
    assert client.get(URL).status_code == (200 if allowed else 403)
    if allowed:
        return
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"kind": MONTHLY, "day": "2026-01-15"})
    assert response.status_code == 403
    assert worker == [] and not ReportSnapshot.objects.exists()


def test_the_administrator_asks_and_the_job_makes_it_once(
    login, administrator, town, worker, django_capture_on_commit_callbacks
):
    client = login(administrator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, {"kind": MONTHLY, "day": "2026-01-15"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:list")
    assert len(callbacks) == 1 and worker == [(MONTHLY, town.pk, "2026-01-01", administrator.pk)]
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.kind, snapshot.period_start, snapshot.period_end) == (MONTHLY, date(2026, 1, 1), date(2026, 1, 31))
    assert snapshot.generated_by == administrator
    assert JobRun.objects.get().name == "reports.generate_report"

    # Asked again: the existing one is shown, nothing is queued.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(URL, {"kind": MONTHLY, "day": "2026-01-31"})
    assert again["Location"] == reverse("reports:detail", args=[snapshot.pk])
    assert callbacks == [] and ReportSnapshot.objects.count() == 1


def test_two_requests_before_the_worker_runs_still_make_one(
    login, administrator, town, worker, django_capture_on_commit_callbacks
):
    client = login(administrator)
    with django_capture_on_commit_callbacks(execute=False) as first:
        client.post(URL, {"kind": WEEKLY, "day": "2026-03-11"})
    with django_capture_on_commit_callbacks(execute=False) as second:
        client.post(URL, {"kind": WEEKLY, "day": "2026-03-13"})
    for callback in [*first, *second]:
        callback()
    assert len(worker) == 2
    assert list(ReportSnapshot.objects.values_list("kind", "period_start")) == [(WEEKLY, date(2026, 3, 9))]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": MONTHLY}, "day"),
        ({"kind": MONTHLY, "day": "not a day"}, "day"),
        ({"kind": "yearly", "day": "2026-01-15"}, "kind"),
        ({"kind": MONTHLY, "day": "1999-12-31"}, "day"),
        ({"kind": WEEKLY, "day": "today"}, "day"),  # this week has not ended
        ({"kind": MONTHLY, "day": "next month"}, "day"),
    ],
)
def test_bad_input_changes_nothing(data, field, login, administrator, town, worker, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    if data.get("day") == "today":
        data = {**data, "day": today.isoformat()}
    if data.get("day") == "next month":
        data = {**data, "day": (today.replace(day=1) + timedelta(days=40)).isoformat()}
    client = login(administrator)  # outside: a login's own after-commit housekeeping is not the form's
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, data)
    assert response.status_code == 400
    assert f'data-error="{field}"' in response.content.decode()
    assert callbacks == [] and worker == [] and not ReportSnapshot.objects.exists()


def test_the_service_refuses_a_period_not_yet_ended(town, administrator):
    with pytest.raises(ValueError):
        services.report_request(kind=WEEKLY, town=town, day=timezone.localdate(), actor=administrator)
    with pytest.raises(ValueError):
        services.report_request(kind="yearly", town=town, day=date(2026, 1, 1), actor=administrator)


# --- the job runs page -------------------------------------------------------------------------


def run(name, *, ok=True, minutes_ago=0, seconds=2, message=""):
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return JobRun.objects.create(
        name=name,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
        duration=timedelta(seconds=seconds),
        ok=ok,
        message=message,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_job_runs(persona, request, login, town):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("reports:jobs")).status_code == (200 if persona in ("leader", "administrator") else 403)


def test_each_jobs_last_run_and_the_recent_failures(login, leader, town):
    run("reports.weekly_circular", minutes_ago=60 * 24 * 7, message="1:2026-03-02")
    run(
        "reports.weekly_circular", ok=False, minutes_ago=30, seconds=4, message="OperationalError('database is locked')"
    )
    run("reports.monthly_analysis", minutes_ago=90, seconds=12, message="1:2026-02-01")
    client = login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the schedule in English words
    html = client.get(reverse("reports:jobs")).content.decode()
    weekly = re.search(r'data-job="reports.weekly_circular">(.*?)</tr>', html, re.S).group(1)
    monthly = re.search(r'data-job="reports.monthly_analysis">(.*?)</tr>', html, re.S).group(1)
    assert "data-failed" in weekly and "database is locked" in weekly and "4.0" in weekly
    assert re.findall(r"<td>(\d+)</td>", weekly) == ["2", "1"]  # runs, failures
    assert "data-ok" in monthly and "12.0" in monthly
    failures = re.search(r"data-failures>(.*?)</table>", html, re.S).group(1)
    assert failures.count("data-failure=") == 1
    for entry in ("weekly-circular", "monthly-analysis", "job-runner-heartbeat"):
        assert f'data-entry="{entry}"' in html
    schedule = re.search(r'data-entry="weekly-circular">(.*?)</tr>', html, re.S).group(1)
    assert "every Monday at 08:00" in schedule
    assert "on day 1 of every month at 06:00" in re.search(
        r'data-entry="monthly-analysis">(.*?)</tr>', html, re.S
    ).group(1)


def test_the_stored_schedule_is_shown_beside_the_configured_one(login, administrator, town):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="30", hour="7", day_of_week="1", timezone="Asia/Shanghai")
    PeriodicTask.objects.create(
        name="weekly-circular", task="reports.tasks.weekly_circular", crontab=crontab, enabled=False
    )
    client = login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("reports:jobs")).content.decode()
    row = re.search(r'data-entry="weekly-circular">(.*?)</tr>', html, re.S).group(1)
    assert "every Monday at 08:00" in row and "every Monday at 07:30" in row


def test_job_runs_query_count_is_pinned(login, leader, town, django_assert_num_queries):
    client = login(leader)
    run("reports.weekly_circular")
    # user (the session is cached), heartbeat, job stats, latest runs, failures, stored schedule
    with django_assert_num_queries(6):
        client.get(reverse("reports:jobs"))
    for i in range(10):
        run("reports.monthly_analysis", ok=bool(i % 2), minutes_ago=i)
        run(f"other.job{i % 3}", minutes_ago=i)
    with django_assert_num_queries(6):
        client.get(reverse("reports:jobs"))
