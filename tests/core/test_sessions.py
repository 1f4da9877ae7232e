"""Sessions (core/sessions.py): read from the cache, written through to the database, and the
desk carries on from the database while the cache is down."""

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _cache_down(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "set", "add", "delete", "has_key", "get_many", "set_many", "delete_many"):
        monkeypatch.setattr(cache, name, down)


def test_a_page_reads_the_session_from_the_cache(login, desk_clerk):
    client = login(desk_clerk)
    client.get(reverse("core:home"))
    assert Session.objects.count() == 1  # written through
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:home")).status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)


def test_with_the_cache_down_the_session_comes_from_the_database(login, desk_clerk, monkeypatch):
    client = login(desk_clerk)
    assert client.get(reverse("core:home")).status_code == 200
    _cache_down(monkeypatch)
    assert client.get(reverse("core:home")).status_code == 200  # still logged in
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_an_emptied_cache_logs_nobody_out(login, desk_clerk):
    client = login(desk_clerk)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:home")).status_code == 200  # not sent to the login page
    assert any("django_session" in q["sql"] for q in captured.captured_queries)
