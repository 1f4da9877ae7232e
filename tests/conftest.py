"""Named personas shared by every test (CONVENTIONS.md §9).

Tests read as sentences: ``def test_grid_worker_cannot_see_other_village(grid_worker_a, village_b)``.
"""

import os
import shutil
from pathlib import Path

import pytest

from core.models import Role
from tests.factories import GridFactory, TownFactory, UserFactory, VillageFactory


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401 - loads Pango
    except OSError:
        return False
    return True


def pytest_collection_modifyitems(config, items):
    """Browser tests run last. Once Playwright has started its event loop, Django's
    connections live in another async context, and a connection a later test opened there
    would outlive the run (PostgreSQL then cannot drop the test database).

    Tests that need system packages (Chromium; Pango for WeasyPrint) are skipped on a
    machine without them, except where REQUIRE_SYSTEM_PACKAGES=true: CI sets it, so a
    missing package fails there instead of passing silently."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if os.environ.get("REQUIRE_SYSTEM_PACKAGES", "").lower() == "true":
        return
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    missing = {
        "browser": None if Path(chromium).exists() else f"Chromium not found at {chromium}: apt-get install chromium",
        "pdf": None if _weasyprint_loads() else "WeasyPrint cannot load Pango: apt-get install libpango-1.0-0",
    }
    for item in items:
        for marker, reason in missing.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds rate-limit counters; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def town(db):
    return TownFactory()


@pytest.fixture
def village_a(town):
    return VillageFactory(town=town, code="341502105201", name="东河口村委会")


@pytest.fixture
def village_b(town):
    return VillageFactory(town=town, code="341502105200", name="长岭村委会")


@pytest.fixture
def grid_a(village_a):
    return GridFactory(village=village_a, number=1, name="第一网格")


@pytest.fixture
def grid_b(village_b):
    return GridFactory(village=village_b, number=1, name="第一网格")


@pytest.fixture
def desk_clerk(town):
    return UserFactory(username="clerk", full_name="王丽", role=Role.DESK_CLERK, town=town)


@pytest.fixture
def grid_worker_a(town, village_a, grid_a):
    return UserFactory(
        username="grid_a", full_name="张强", role=Role.GRID_WORKER, town=town, village=village_a, grid=grid_a
    )


@pytest.fixture
def grid_worker_b(town, village_b, grid_b):
    return UserFactory(
        username="grid_b", full_name="李军", role=Role.GRID_WORKER, town=town, village=village_b, grid=grid_b
    )


@pytest.fixture
def village_agent_a(town, village_a):
    return UserFactory(username="agent_a", full_name="赵敏", role=Role.VILLAGE_AGENT, town=town, village=village_a)


@pytest.fixture
def mediator_a(town, village_a):
    return UserFactory(username="mediator_a", full_name="孙德", role=Role.MEDIATOR, town=town, village=village_a)


@pytest.fixture
def leader(town):
    return UserFactory(username="leader", full_name="陈书记", role=Role.LEADER, town=town, title="镇党委书记")


@pytest.fixture
def handler(town):
    return UserFactory(username="handler", full_name="钱办", role=Role.HANDLER, town=town, title="综治中心")


@pytest.fixture
def inspector(town):
    return UserFactory(username="inspector", full_name="周纪", role=Role.INSPECTOR, town=town)


@pytest.fixture
def administrator(town):
    return UserFactory(username="admin", full_name="吴管", role=Role.ADMIN, town=town, is_staff=True, is_superuser=True)


@pytest.fixture
def resident(client):
    """A resident has no account: an anonymous browser."""
    return client


PERSONAS = [
    "desk_clerk",
    "grid_worker_a",
    "grid_worker_b",
    "village_agent_a",
    "mediator_a",
    "handler",
    "leader",
    "inspector",
    "administrator",
]


@pytest.fixture
def login(client):
    """Log a persona in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


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
