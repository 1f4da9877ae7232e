"""Patrols and risks through the API: the same scope and rules as the pages."""

import uuid
from datetime import date

import pytest
from rest_framework.test import APIClient

from patrols import services
from patrols.models import Patrol, Risk


@pytest.fixture
def api():
    def _api(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _api


@pytest.fixture
def risk_a(grid_worker_a, grid_a):
    risk, _ = services.risk_report(
        reporter=grid_worker_a, grid=grid_a, found_on=date(2026, 11, 20), kind="land", level="low",
        place="三组", parties="张某与李某", description="地界争议",
    )  # fmt: skip
    return risk


def test_grid_worker_of_b_gets_not_found_for_village_a(api, grid_worker_b, risk_a):
    client = api(grid_worker_b)
    assert client.get(f"/api/v1/risks/{risk_a.pk}/").status_code == 404
    assert client.post(f"/api/v1/risks/{risk_a.pk}/actions/resolve/", {"outcome": "x"}).status_code == 404
    assert client.get("/api/v1/risks/").json()["results"] == []
    risk_a.refresh_from_db()
    assert risk_a.state == Risk.State.OPEN


def test_patrol_created_once_with_the_same_key(api, grid_worker_a, grid_a):
    client = api(grid_worker_a)
    key = str(uuid.uuid4())
    body = {"grid": grid_a.pk, "day": "2026-11-20", "route": "一组到三组", "residents_met": 5}
    first = client.post("/api/v1/patrols/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/v1/patrols/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Patrol.objects.count() == 1


def test_risk_reported_and_resolved_through_the_api(api, grid_worker_a, grid_a):
    client = api(grid_worker_a)
    body = {
        "grid": grid_a.pk, "found_on": "2026-11-20", "kind": "safety", "level": "low",
        "place": "桥头", "parties": "—", "description": "栏杆松动",
    }  # fmt: skip
    created = client.post("/api/v1/risks/", body, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    resolved = client.post(f"/api/v1/risks/{pk}/actions/resolve/", {"outcome": "已加固"}, format="json")
    assert resolved.json()["state"] == Risk.State.RESOLVED
    again = client.post(f"/api/v1/risks/{pk}/actions/resolve/", {"outcome": "再次"}, format="json")
    assert again.status_code == 409


def test_a_desk_clerk_cannot_report_risks(api, desk_clerk, grid_a):
    response = api(desk_clerk).post("/api/v1/risks/", {"grid": grid_a.pk}, format="json")
    assert response.status_code == 403


def test_recording_in_another_villages_grid_is_refused(api, grid_worker_a, grid_b):
    body = {"grid": grid_b.pk, "day": "2026-11-20", "route": "x"}
    response = api(grid_worker_a).post("/api/v1/patrols/", body, format="json")
    assert response.status_code == 403
    assert not Patrol.objects.exists()


def test_list_query_counts_are_pinned(api, grid_worker_a, grid_a, django_assert_num_queries):
    client = api(grid_worker_a)
    for n in (1, 4):
        for i in range(n):
            services.patrol_log(worker=grid_worker_a, grid=grid_a, day=date(2026, 11, n + i), route=f"路线{i}")
            services.risk_report(
                reporter=grid_worker_a, grid=grid_a, found_on=date(2026, 11, 20), kind="land", level="low",
                place=f"{i}组", parties="张某与李某", description="地界争议",
            )  # fmt: skip
        with django_assert_num_queries(2):  # count, page
            assert client.get("/api/v1/patrols/").json()["results"]
        with django_assert_num_queries(2):
            assert client.get("/api/v1/risks/").json()["results"]
