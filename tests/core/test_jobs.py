"""The job runner: the heartbeat job, its schedule, and a real trip through the broker."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from config.celery import app
from core.models import JobHeartbeat
from core.selectors import HEARTBEAT, job_runner_status
from core.tasks import record_heartbeat


def test_heartbeat_job_is_scheduled_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["job-runner-heartbeat"]
    assert entry["task"] == record_heartbeat.name
    assert entry["schedule"] == 60.0
    assert settings.CELERY_BEAT_SCHEDULER.startswith("django_celery_beat")


@pytest.mark.django_db
def test_heartbeat_twice_keeps_one_row():
    record_heartbeat.apply()
    record_heartbeat.apply()
    assert JobHeartbeat.objects.filter(name=HEARTBEAT).count() == 1
    assert job_runner_status().alive


@pytest.mark.django_db
def test_stale_heartbeat_shows_runner_down(client, login, administrator):
    JobHeartbeat.objects.create(name=HEARTBEAT, last_seen=timezone.now() - timedelta(minutes=30))
    assert not job_runner_status().alive
    assert client.get("/healthz").json()["job_runner"] == "stale"
    html = login(administrator).get("/").content.decode()
    assert "status-bad" in html


@pytest.mark.django_db
def test_healthz_reports_database_and_runner(client):
    record_heartbeat.apply()
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["job_runner"] == "ok"


def test_broker_matches_mode(settings):
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


@pytest.mark.django_db(transaction=True)
def test_task_travels_through_the_real_broker_to_a_worker():
    """Publishes through the configured broker (Redis in production mode, files in embedded
    mode) and lets a real worker consume it: the row it writes is the proof."""
    queue = f"test-{time.monotonic_ns()}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        record_heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not JobHeartbeat.objects.filter(name=HEARTBEAT).exists():
            time.sleep(0.2)
    assert JobHeartbeat.objects.filter(name=HEARTBEAT).exists()


def test_embedded_broker_writes_whole_files_only(tmp_path):
    """A reader polling the folder must never see a message file before it is complete."""
    from kombu import Connection

    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path), "control_folder": str(tmp_path)}
    with Connection(
        "filesystem://", transport="config.broker:AtomicFilesystemTransport", transport_options=options
    ) as conn:
        channel = conn.default_channel
        channel._put("desk", {"body": "x" * 10_000})
        names = sorted(p.name for p in tmp_path.iterdir())
        assert len(names) == 1 and names[0].endswith(".desk.msg"), names
        assert channel._get("desk") == {"body": "x" * 10_000}
        assert list(tmp_path.iterdir()) == []
