"""/healthz: the web process, the database, the broker (Redis or the file broker) and the
job runner's heartbeat, each with state and timing; 503 when an essential part is down."""

import socket
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from core.models import JobHeartbeat
from core.selectors import HEARTBEAT

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_heartbeat(db):
    JobHeartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"last_seen": timezone.now()})


def test_everything_up_answers_200_with_each_part(client, settings, fresh_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"web", "database", "broker", "job_runner"}
    for part in body["checks"].values():
        assert part["state"] == "ok"
        assert isinstance(part["ms"], float) and part["ms"] >= 0
    assert body["checks"]["broker"]["kind"] == ("redis" if settings.REDIS_URL else "files")
    assert body["database"] == "ok" and body["job_runner"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_redis_down_answers_503(client, settings, fresh_heartbeat):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["broker"] == {
        "state": "down",
        "ms": body["checks"]["broker"]["ms"],
        "kind": "redis",
        "error": "ConnectionError",
    }
    assert body["checks"]["database"]["state"] == "ok"


@pytest.mark.skipif("not __import__('django.conf').conf.settings.REDIS_URL", reason="CI's PostgreSQL run has Redis")
def test_real_redis_answers(client, fresh_heartbeat):
    body = client.get("/healthz").json()
    assert body["checks"]["broker"] == {**body["checks"]["broker"], "state": "ok", "kind": "redis"}


def test_file_broker_folder_not_writable_answers_503(client, settings, tmp_path, fresh_heartbeat):
    settings.REDIS_URL = ""
    blocked = tmp_path / "queue"
    blocked.write_text("a file where the queue folder should be")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_out": str(blocked),
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["state"] == "down"


def test_file_broker_folder_writable_is_ok_and_left_clean(client, settings, tmp_path, fresh_heartbeat):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_out": str(tmp_path),
    }
    body = client.get("/healthz").json()
    assert body["checks"]["broker"] == {**body["checks"]["broker"], "state": "ok", "kind": "files"}
    assert list(tmp_path.iterdir()) == []


def test_stale_job_runner_is_degraded_not_down(client):
    JobHeartbeat.objects.create(name=HEARTBEAT, last_seen=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["job_runner"]["state"] == "stale"
    assert body["job_runner_last_seen"] is not None


def test_database_down_answers_503(client, monkeypatch, fresh_heartbeat):
    from core import health

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {
        "state": "down",
        "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    assert body["checks"]["job_runner"]["state"] == "down"
