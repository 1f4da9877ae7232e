"""The petitions API: the same scope, filters, rules and services as the pages."""

import uuid

import pytest
from rest_framework.test import APIClient

from petitions.models import Petition
from petitions.states import Action, State
from tests.petitions.conftest import PHONE, VALID_ID

URL = "/api/v1/petitions/"


@pytest.fixture
def api():
    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


def body(category, village, **overrides):
    data = {
        "channel": "hotline",
        "kind": "grievance",
        "category": category.code,
        "village": village.code,
        "title": "排水沟被堵",
        "content": "雨天积水",
        "petitioners": [{"name": "刘芳", "phone": "138-1234-1234", "id_number": VALID_ID}],
    }
    data.update(overrides)
    return data


def test_anonymous_callers_are_refused(api, register, units):
    register()
    response = api().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert response.json()["error"]["code"] == "not_authenticated"


def test_list_is_scoped_and_filtered(api, register, walk, grid_worker_a, grid_worker_b, desk_clerk, village_b, units):
    mine = register()
    handled = walk(register(petitioners=[], anonymous=True), State.HANDLING)
    theirs = register(village=village_b, petitioners=[], anonymous=True)
    numbers = {row["tracking_number"] for row in api(grid_worker_a).get(URL).json()["results"]}
    assert numbers == {mine.tracking_number, handled.tracking_number}
    numbers = {row["tracking_number"] for row in api(grid_worker_b).get(URL).json()["results"]}
    assert numbers == {theirs.tracking_number}
    rows = api(desk_clerk).get(URL, {"state": State.HANDLING}).json()["results"]
    assert [row["tracking_number"] for row in rows] == [handled.tracking_number]


def test_list_query_count_does_not_grow(api, register, desk_clerk, units, django_assert_num_queries):
    client = api(desk_clerk)
    register()
    with django_assert_num_queries(2):  # count, page
        client.get(URL)
    for _ in range(5):
        register(petitioners=[], anonymous=True)
    with django_assert_num_queries(2):
        client.get(URL)


def test_detail_masks_the_petitioner(api, register, desk_clerk, units):
    petition = register()
    data = api(desk_clerk).get(f"{URL}{petition.tracking_number}/").json()
    person = data["petitioners"][0]
    assert (person["phone"], person["name"]) == ("138****1234", "刘*")
    assert VALID_ID not in str(data) and PHONE not in str(data)
    assert "assign" in data["allowed_actions"]


def test_outside_scope_is_404(api, register, grid_worker_b, units):
    petition = register()
    assert api(grid_worker_b).get(f"{URL}{petition.tracking_number}/").status_code == 404


def test_create_is_idempotent_on_the_key(api, desk_clerk, units, category, village_a):
    client = api(desk_clerk)
    key = str(uuid.uuid4())
    first = client.post(URL, body(category, village_a), format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(URL, body(category, village_a), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_number"] == second.json()["tracking_number"]
    assert Petition.objects.count() == 1
    assert len(first.json()["query_code"]) == 8


def test_create_with_a_bad_id_number_changes_nothing(api, desk_clerk, units, category, village_a):
    people = [{"name": "刘芳", "id_number": "110105194912310021"}]
    response = api(desk_clerk).post(URL, body(category, village_a, petitioners=people), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "petitioners" in error["fields"]
    assert not Petition.objects.exists()


def test_mediator_cannot_create(api, mediator_a, units, category, village_a):
    response = api(mediator_a).post(URL, body(category, village_a), format="json")
    assert response.status_code == 403


def test_actions_are_explicit_endpoints(api, register, desk_clerk, handler, units):
    petition = register()
    url = f"{URL}{petition.tracking_number}/assign/"
    response = api(desk_clerk).post(url, {"version": petition.version, "unit": units.zongzhi.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.HANDLING
    reply = api(handler).post(
        f"{URL}{petition.tracking_number}/reply/",
        {"version": response.json()["version"], "outcome": "supported", "text": "已解决"},
        format="json",
    )
    assert reply.json()["state"] == State.REPLIED


def test_stale_version_is_a_conflict(api, register, desk_clerk, units):
    petition = register()
    url = f"{URL}{petition.tracking_number}/assign/"
    response = api(desk_clerk).post(
        url, {"version": petition.version - 1 or 99, "unit": units.zongzhi.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


def test_illegal_action_is_a_conflict(api, register, desk_clerk, units):
    petition = register()
    url = f"{URL}{petition.tracking_number}/answer-review/"
    response = api(desk_clerk).post(url, {"version": petition.version, "text": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"


def test_role_not_allowed_is_403(api, register, walk, desk_clerk, units):
    petition = walk(register(), State.HANDLING)
    url = f"{URL}{petition.tracking_number}/extend/"
    response = api(desk_clerk).post(url, {"version": petition.version, "days": 10, "reason": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"


def test_timeline_endpoint(api, register, walk, desk_clerk, units):
    petition = walk(register(), State.HANDLING)
    rows = api(desk_clerk).get(f"{URL}{petition.tracking_number}/timeline/").json()
    assert [row["action"] for row in rows] == [Action.REGISTER, Action.ASSIGN]


def test_categories_and_units(api, desk_clerk, units):
    client = api(desk_clerk)
    codes = {row["code"] for row in client.get("/api/v1/categories/").json()}
    assert "neighbours-boundary" in codes
    names = {row["name"] for row in client.get("/api/v1/units/").json()}
    assert "综治中心" in names


def test_a_retried_action_is_applied_once(api, register, desk_clerk, units):
    petition = register()
    url = f"{URL}{petition.tracking_number}/note/"
    key = str(uuid.uuid4())
    client = api(desk_clerk)
    for _ in range(2):
        response = client.post(
            url, {"version": petition.version, "text": "电话回访"}, format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 200
    assert petition.timeline.filter(action=Action.NOTE).count() == 1
