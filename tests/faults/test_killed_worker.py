"""A worker killed (SIGKILL) in the middle of writing a report leaves no half report, and the
next run makes the whole one. The worker is a real separate process on its own connection, so
PostgreSQL only (the SQLite test database lives in this process's memory)."""

import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports import selectors, services
from reports.models import ReportSnapshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database"),
]

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from datetime import date
    from core.models import Town
    from reports import services

    marker = Path(sys.argv[1])
    real = services.notifications_send

    def stalled(**kwargs):
        real(**kwargs)
        marker.write_text("inside the transaction")  # the snapshot row is inserted, not committed
        time.sleep(120)

    services.notifications_send = stalled
    services.report_generate(kind="monthly_analysis", town=Town.objects.get(), period_start=date(2026, 3, 1))
    """
)


def test_a_killed_report_leaves_nothing_and_the_next_run_completes_it(tmp_path, town, leader, reference_data):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    marker = tmp_path / "inside"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("SECRET_KEY", settings.SECRET_KEY)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(marker)], cwd=Path(settings.BASE_DIR), env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), worker.stderr.read().decode()[-2000:]
    worker.kill()  # SIGKILL: no cleanup, no rollback from the process itself
    worker.wait(10)

    assert not ReportSnapshot.objects.exists()  # PostgreSQL rolled the open transaction back
    assert not leader.notifications.exists()

    snapshot = services.report_generate(kind="monthly_analysis", town=town, period_start=date(2026, 3, 1))
    assert snapshot.figures == selectors.monthly_analysis(town=town, month_start=date(2026, 3, 1))
    assert ReportSnapshot.objects.count() == 1 and leader.notifications.count() == 1
