"""The parts /healthz reports on: this web process, the database, the broker (Redis when
REDIS_URL is set, else the embedded file broker's folder) and the job runner's heartbeat.

Each check returns its state and how long it took. The database and the broker are
essential (a petition cannot be saved, or its notifications and jobs cannot be queued):
either down makes the answer 503. A stale job runner is reported as "degraded" with 200,
since the desk still takes petitions and the jobs catch up when the runner returns."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from core.selectors import job_runner_status

OK, DOWN, STALE = "ok", "down", "stale"
# Seconds to wait for Redis before calling it down: a probe must answer quickly.
REDIS_TIMEOUT = 1.0


@dataclass
class Check:
    state: str
    ms: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "ms": round(self.ms, 1), **self.detail}


def _timed(probe: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = probe()
    except Exception as error:  # a probe reports failures; it never raises
        result = Check(DOWN, detail={"error": type(error).__name__})
    result.ms = (time.perf_counter() - started) * 1000
    return result


def check_web() -> Check:
    return Check(OK, detail={"pid": os.getpid()})


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(OK, detail={"engine": connection.vendor})


def check_broker() -> Check:
    kind = "redis" if settings.REDIS_URL else "files"
    try:
        if settings.REDIS_URL:
            _ping_redis(settings.REDIS_URL)
        else:
            _write_probe(Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"]))
    except Exception as error:
        return Check(DOWN, detail={"kind": kind, "error": type(error).__name__})
    return Check(OK, detail={"kind": kind})


def _ping_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _write_probe(folder: Path) -> None:
    """Embedded mode: messages are files in this folder; it must take a new one. The
    probe's name is hidden, so the worker never takes it for a message."""
    probe = folder / f".healthz-{uuid.uuid4().hex}.tmp"
    probe.write_bytes(b"ok")
    probe.unlink()


def check_job_runner() -> Check:
    status = job_runner_status()
    return Check(
        OK if status.alive else STALE,
        detail={"last_seen": status.last_seen.isoformat() if status.last_seen else None},
    )


ESSENTIAL = ("web", "database", "broker")


def run_checks() -> tuple[int, dict[str, Any]]:
    """The HTTP status and the JSON body of /healthz."""
    checks = {
        "web": _timed(check_web),
        "database": _timed(check_database),
        "broker": _timed(check_broker),
    }
    # The heartbeat lives in the database: no use asking when the database is down.
    checks["job_runner"] = _timed(check_job_runner) if checks["database"].state == OK else Check(DOWN)
    essential_down = any(checks[name].state != OK for name in ESSENTIAL)
    overall = DOWN if essential_down else ("degraded" if checks["job_runner"].state != OK else OK)
    body = {
        "status": overall,
        "checks": {name: check.as_dict() for name, check in checks.items()},
        # The flat keys monitoring scripts already read (README).
        "database": checks["database"].state,
        "job_runner": checks["job_runner"].state,
        "job_runner_last_seen": checks["job_runner"].detail.get("last_seen"),
    }
    return (503 if essential_down else 200), body
