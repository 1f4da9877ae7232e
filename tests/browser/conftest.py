import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import testcases

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class _OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """On SQLite the test database lives in memory, and the live server's request threads
    all use the test's one connection (that is how they see its data). Two requests at once —
    a page and the fetch it starts — then ran statements on that connection from two threads,
    and both hung inside SQLite (the suite's first browser test stopped the CI run for an
    hour). Serve one request at a time there; on PostgreSQL each thread has its own connection
    and requests stay parallel."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


testcases.LiveServerThread.server_class = _OneRequestAtATimeOnSharedSQLite


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
