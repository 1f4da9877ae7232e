"""The mediation API: the same scope, rules and services as the pages."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mediation.models import CaseEvent, MediationCase, MediationSession
from mediation.states import Action, State
from tests.mediation.conftest import APPLICANT
from tests.petitions.conftest import OTHER_ID, PHONE, VALID_ID

ROOMS = "/api/v1/mediation-rooms/"
CASES = "/api/v1/mediation-cases/"


@pytest.fixture
def api():
    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


@pytest.fixture
def case_b(new_case, rooms, members_b, desk_clerk) -> MediationCase:
    return new_case(room=rooms.b, actor=desk_clerk, mediators=members_b[:1])


def body(room, **overrides):
    data = {
        "room": room.pk,
        "source": "walk_in",
        "dispute_kind": "neighbours",
        "risk_level": "medium",
        "summary": "宅基地边界纠纷",
        "facts": "两户因宅基地边界发生争执。",
        "parties": [
            {"name": APPLICANT, "role": "applicant", "phone": "138-1234-1234", "id_number": VALID_ID},
            {"name": "欧阳建国", "role": "respondent"},
        ],
    }
    data.update(overrides)
    return data


def test_anonymous_callers_are_refused(api, rooms):
    for url in (ROOMS, CASES):
        response = api().get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_rooms_are_scoped_and_members_masked(api, rooms, members_a, members_b, mediator_a, leader):
    assert [row["id"] for row in api(mediator_a).get(ROOMS).json()] == [rooms.a.pk]
    assert {row["id"] for row in api(leader).get(ROOMS).json()} == {rooms.a.pk, rooms.b.pk}
    detail = api(mediator_a).get(f"{ROOMS}{rooms.a.pk}/").json()
    chair = detail["members"][0]
    assert (chair["name"], chair["is_chair"], chair["phone"]) == ("孙德", True, "139****5678")
    assert chair["duty"] and chair["commitment"]
    assert detail["warnings"] == []
    assert api(mediator_a).get(f"{ROOMS}{rooms.b.pk}/").status_code == 404


def test_case_list_is_scoped(api, new_case, case_b, mediator_a, grid_worker_b, leader, handler):
    mine = new_case()
    numbers = {row["tracking_number"] for row in api(mediator_a).get(CASES).json()["results"]}
    assert numbers == {mine.tracking_number}
    numbers = {row["tracking_number"] for row in api(grid_worker_b).get(CASES).json()["results"]}
    assert numbers == {case_b.tracking_number}
    numbers = {row["tracking_number"] for row in api(leader).get(CASES).json()["results"]}
    assert numbers == {mine.tracking_number, case_b.tracking_number}
    assert api(handler).get(CASES).json()["results"] == []
    rows = api(leader).get(CASES, {"room": case_b.room_id}).json()["results"]
    assert [row["tracking_number"] for row in rows] == [case_b.tracking_number]


def test_case_list_query_count_does_not_grow(api, new_case, leader, django_assert_num_queries):
    client = api(leader)
    new_case()
    with django_assert_num_queries(2):  # count, page
        client.get(CASES)
    for i in range(5):
        new_case(summary=f"纠纷{i}")
    with django_assert_num_queries(2):
        client.get(CASES)


def test_detail_masks_the_parties_and_lists_allowed_actions(api, new_case, mediator_a):
    case = new_case()
    data = api(mediator_a).get(f"{CASES}{case.tracking_number}/").json()
    assert [p["name"] for p in data["parties"]] == ["刘*", "欧阳**"]
    assert data["parties"][0]["phone"] == "138****1234"
    for secret in (PHONE, VALID_ID, OTHER_ID):
        assert secret not in str(data)
    assert set(data["allowed_actions"]) == {"session", "withdraw", "assign", "flag_police", "note"}
    assert [e["action"] for e in data["events"]] == [Action.REGISTER]


def test_outside_scope_is_404(api, case_b, mediator_a):
    client = api(mediator_a)
    assert client.get(f"{CASES}{case_b.tracking_number}/").status_code == 404
    url = f"{CASES}{case_b.tracking_number}/actions/note/"
    assert client.post(url, {"version": case_b.version, "text": "x"}, format="json").status_code == 404


def test_create_is_idempotent_on_the_key(api, mediator_a, rooms, members_a):
    client = api(mediator_a)
    key = str(uuid.uuid4())
    first = client.post(CASES, body(rooms.a, mediators=[members_a[0].pk]), format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(CASES, body(rooms.a), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code) == (201, 200), first.json()
    assert first.json()["tracking_number"] == second.json()["tracking_number"]
    assert MediationCase.objects.count() == 1
    assert first.json()["mediators"] == [{"id": members_a[0].pk, "name": "孙德"}]
    assert first.json()["state"] == State.REGISTERED


def test_create_in_another_villages_room_is_404(api, mediator_a, rooms, members_b):
    response = api(mediator_a).post(CASES, body(rooms.b), format="json")
    assert response.status_code == 404
    assert not MediationCase.objects.exists()


def test_inspector_may_not_create(api, inspector, rooms):
    response = api(inspector).post(CASES, body(rooms.a), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"


def test_create_with_bad_input_changes_nothing(api, mediator_a, rooms):
    parties = [{"name": APPLICANT, "role": "applicant", "id_number": "110105194912310021"}]
    response = api(mediator_a).post(CASES, body(rooms.a, parties=parties), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid" and "parties" in response.json()["error"]["fields"]
    response = api(mediator_a).post(CASES, body(rooms.a, parties=parties[:0]), format="json")
    assert response.status_code == 400
    assert not MediationCase.objects.exists()


def test_actions_are_explicit_endpoints(api, new_case, mediator_a):
    case = new_case()
    client = api(mediator_a)
    response = client.post(
        f"{CASES}{case.tracking_number}/actions/session/",
        {
            "version": case.version,
            "held_at": timezone.localtime().isoformat(),
            "present": "双方当事人",
            "record": "各自陈述。",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.IN_MEDIATION
    parties = response.json()["parties"]
    due = timezone.localdate().isoformat()
    response = client.post(
        f"{CASES}{case.tracking_number}/actions/agree/",
        {
            "version": response.json()["version"],
            "facts": "院墙越界。",
            "performance_method": "现场拆除。",
            "performance_deadline": due,
            "term1_text": "拆除越界院墙",
            "term1_party": parties[1]["id"],
            "term2_text": "补偿材料费",
            "term2_party": parties[0]["id"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == State.AGREED
    assert [t["text"] for t in data["agreement"]["items"]] == ["拆除越界院墙", "补偿材料费"]
    assert data["agreement"]["judicial_confirmation_due"]


def test_stale_version_is_a_conflict(api, new_case, mediator_a, act):
    case = new_case()
    stale = case.version
    act("note", case, mediator_a)
    response = api(mediator_a).post(
        f"{CASES}{case.tracking_number}/actions/fail/", {"version": stale, "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"


def test_illegal_action_is_a_conflict(api, new_case, mediator_a):
    case = new_case()
    response = api(mediator_a).post(
        f"{CASES}{case.tracking_number}/actions/fail/", {"version": case.version, "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    case.refresh_from_db()
    assert case.state == State.REGISTERED


def test_role_not_allowed_is_403(api, new_case, grid_worker_a):
    case = new_case()
    response = api(grid_worker_a).post(
        f"{CASES}{case.tracking_number}/actions/withdraw/", {"version": case.version, "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"


def test_invalid_action_input_is_400(api, new_case, mediator_a):
    case = new_case()
    response = api(mediator_a).post(
        f"{CASES}{case.tracking_number}/actions/session/", {"version": case.version}, format="json"
    )
    assert response.status_code == 400
    assert {"present", "record", "held_at"} <= set(response.json()["error"]["fields"])


def test_unknown_action_is_404(api, new_case, mediator_a):
    case = new_case()
    response = api(mediator_a).post(f"{CASES}{case.tracking_number}/actions/explode/", {}, format="json")
    assert response.status_code == 404


def test_a_retried_action_is_applied_once(api, new_case, mediator_a):
    case = new_case()
    url = f"{CASES}{case.tracking_number}/actions/session/"
    key = str(uuid.uuid4())
    payload = {
        "version": case.version,
        "held_at": timezone.localtime().isoformat(),
        "present": "双方当事人",
        "record": "各自陈述。",
    }
    client = api(mediator_a)
    for _ in range(2):
        response = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 200
    assert MediationSession.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action=Action.SESSION).count() == 1


def test_room_list_query_count_is_pinned(api, rooms, leader, town, django_assert_num_queries):
    from mediation import services as mediation_services
    from tests.factories import VillageFactory

    client = api(leader)
    with django_assert_num_queries(1):
        assert len(client.get(ROOMS).json()) == 2
    for i in range(3):
        VillageFactory(town=town, code=f"34150210521{i}", name=f"新村{i}村委会")
    mediation_services.rooms_ensure(town=town)
    with django_assert_num_queries(1):
        assert len(client.get(ROOMS).json()) == 5
