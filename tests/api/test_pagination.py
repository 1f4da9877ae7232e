"""The API's lists count at most ``CAP`` rows (petitions/api_pagination.py): past it ``count``
is ``CAP``, ``count_capped`` says so, and the pages go as far as the cap, like the case list."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.api_pagination import CappedPageNumberPagination
from petitions.pagination import CappedPaginator

URL = "/api/v1/petitions/"


def test_under_the_cap_the_count_is_exact(api, desk_clerk, register):
    for _ in range(3):
        register()
    body = api(desk_clerk).get(URL).json()
    assert body["count"] == 3 and body["count_capped"] is False
    assert len(body["results"]) == 3 and body["next"] is None and body["previous"] is None


def test_past_the_cap_the_count_stops_and_says_so(api, desk_clerk, register, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr(CappedPageNumberPagination, "page_size", 1)
    for _ in range(4):
        register()
    client = api(desk_clerk)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(URL).json()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 3" in counts[0].upper()  # one row past the cap, never all
    assert first["count"] == 2 and first["count_capped"] is True and len(first["results"]) == 1
    assert first["next"].endswith("?page=2") and first["previous"] is None
    second = client.get(URL, {"page": 2}).json()
    assert second["count"] == 2 and second["count_capped"] is True and second["next"] is None
    assert client.get(URL, {"page": 3}).status_code == 404
