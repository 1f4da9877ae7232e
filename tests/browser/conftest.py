import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-quic",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(autouse=True)
def _close_connections_opened_beside_playwright():
    """Playwright's sync API runs its own event loop, and Django keeps connections per
    async context: one opened during a browser test is not the one the test run closes at
    the end, and PostgreSQL then refuses to drop the test database. Close it here."""
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests empty every table after themselves, including the rows the data
    migrations seeded (categories, time limits, the 2026 holidays): put them back."""
    import importlib

    from django.apps import apps

    from core.models import CalendarDay

    importlib.import_module("petitions.migrations.0002_reference_data").forwards(apps, None)
    if not CalendarDay.objects.exists():
        importlib.import_module("core.migrations.0004_calendar_2026").seed_2026(apps, None)
