"""Every lifecycle action is its own endpoint, /api/v1/petitions/{number}/{action}/, with a
request shape derived from the action's form, calling the action's service once."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from core.models import Role
from petitions.actions import ACTIONS
from petitions.api_actions import ENDPOINT_ACTIONS, action_request_serializer, url_path
from petitions.models import Attachment
from petitions.states import Action, State
from tests.factories import UserFactory
from tests.petitions.conftest import DIRECT, PNG_BYTES, VILLAGE, ZONGZHI

URL = "/api/v1/petitions/"

# action → (state to walk to, walked via, who acts, body without version, state afterwards)
CASES = {
    Action.ASSIGN: (State.REGISTERED, ZONGZHI, "desk_clerk", {"unit": "zongzhi", "note": "请核实"}, State.HANDLING),
    Action.ACCEPT: (State.REGISTERED, ZONGZHI, "desk_clerk", {"note": "镇本级办理"}, State.HANDLING),
    Action.TRANSFER: (State.REGISTERED, ZONGZHI, "desk_clerk", {"destination": "区人民法院"}, State.TRANSFERRED),
    Action.REJECT: (State.REGISTERED, ZONGZHI, "desk_clerk", {"reason": "已进入诉讼程序"}, State.NOT_ACCEPTED),
    Action.NOTIFY: (State.HANDLING, ZONGZHI, "handler", {"text": "已受理，60日内答复"}, State.HANDLING),
    Action.REPLY: (State.HANDLING, ZONGZHI, "handler", {"outcome": "supported", "text": "已解决"}, State.REPLIED),
    Action.EXTEND: (State.HANDLING, ZONGZHI, "handler", {"days": 10, "reason": "需测量"}, State.HANDLING),
    Action.OBJECT: (State.HANDLING, ZONGZHI, "handler", {"reason": "不属本单位职责"}, State.REGISTERED),
    Action.ESCALATE: (State.HANDLING, VILLAGE, "village_agent_a", {"reason": "村里无法协调"}, State.REGISTERED),
    Action.FOLLOW_UP: (State.REPLIED, ZONGZHI, "desk_clerk", {"satisfaction": "satisfied"}, State.CLOSED),
    Action.REQUEST_REVIEW: (State.CLOSED, ZONGZHI, "desk_clerk", {"text": "请求复查"}, State.UNDER_REVIEW),
    Action.ANSWER_REVIEW: (State.UNDER_REVIEW, ZONGZHI, "leader", {"text": "维持"}, State.CLOSED),
    Action.REQUEST_RE_REVIEW: (State.CLOSED, "reviewed", "desk_clerk", {"text": "请求复核"}, State.UNDER_RE_REVIEW),
    Action.ANSWER_RE_REVIEW: (State.UNDER_RE_REVIEW, ZONGZHI, "leader", {"text": "维持"}, State.FINAL),
    Action.SET_RESPONSIBLE: (State.REGISTERED, ZONGZHI, "desk_clerk", {"leader": "new", "reason": "分工调整"}, None),
    Action.LINK_REPEAT: (State.REGISTERED, DIRECT, "desk_clerk", {"earlier": "earlier"}, State.REGISTERED),
    Action.NOTE: (State.REGISTERED, ZONGZHI, "desk_clerk", {"text": "已电话联系", "public": True}, State.REGISTERED),
}


def test_every_action_of_the_registry_has_an_endpoint_and_a_case_here():
    assert set(ENDPOINT_ACTIONS) == set(ACTIONS) - {Action.ATTACH}
    assert set(CASES) == set(ENDPOINT_ACTIONS)
    for action in ENDPOINT_ACTIONS:
        path = reverse(f"api:petition-{url_path(action)}", kwargs={"tracking_number": "DHK-2026-000001"})
        assert path == f"{URL}DHK-2026-000001/{url_path(action)}/"


def test_request_shapes_follow_the_forms():
    fields = action_request_serializer(Action.REPLY)().fields
    assert set(fields) == {"version", "client_token", "outcome", "text"}
    assert fields["version"].required and fields["outcome"].required
    assert list(fields["outcome"].choices) == ["supported", "explained", "not_supported"]
    extend = action_request_serializer(Action.EXTEND)().fields["days"]
    assert (extend.min_value, extend.max_value) == (1, 30)


@pytest.mark.parametrize("action", list(CASES))
def test_each_action_through_its_endpoint(action, api, register, walk, units, request):
    state, via, actor_name, body, after = CASES[action]
    options = {"reviewed": True} if via == "reviewed" else {"via": via}
    petition = walk(register(), state, **options)
    body = dict(body)
    if body.get("unit") == "zongzhi":
        body["unit"] = units.zongzhi.pk
    if body.get("leader") == "new":
        body["leader"] = UserFactory(role=Role.LEADER, town=petition.town, full_name="李副镇长").pk
    if body.get("earlier") == "earlier":
        body["earlier"] = register(title="较早的同类诉求").tracking_number
    actor = request.getfixturevalue(actor_name)
    response = api(actor).post(
        f"{URL}{petition.tracking_number}/{url_path(action)}/", {"version": petition.version, **body}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["version"] == petition.version + 1
    assert data["state"] == (after or petition.state)
    assert petition.timeline.filter(action=action).count() == 1


def test_a_stale_version_is_409_and_changes_nothing(api, register, desk_clerk, units):
    petition = register()
    response = api(desk_clerk).post(
        f"{URL}{petition.tracking_number}/reject/", {"version": petition.version + 5, "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


def test_wrong_types_are_400_with_the_fields(api, register, desk_clerk, units):
    petition = register()
    response = api(desk_clerk).post(
        f"{URL}{petition.tracking_number}/assign/", {"version": "one", "unit": "综治"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"version", "unit"}


def test_the_form_still_checks_values_against_the_petition(api, register, desk_clerk, units):
    units.village_b.active = False
    units.village_b.save(update_fields=["active"])
    petition = register()
    response = api(desk_clerk).post(
        f"{URL}{petition.tracking_number}/assign/",
        {"version": petition.version, "unit": units.village_b.pk},
        format="json",
    )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["unit"]
    assert messages and all(isinstance(message, str) for message in messages)
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


def test_an_action_outside_scope_is_404(api, register, grid_worker_b, units):
    petition = register()
    response = api(grid_worker_b).post(
        f"{URL}{petition.tracking_number}/note/", {"version": petition.version, "text": "x"}, format="json"
    )
    assert response.status_code == 404


def test_the_client_token_makes_a_retry_apply_once(api, register, desk_clerk, units):
    petition = register()
    body = {"version": petition.version, "text": "回访", "client_token": str(uuid.uuid4())}
    client = api(desk_clerk)
    for _ in range(2):
        assert client.post(f"{URL}{petition.tracking_number}/note/", body, format="json").status_code == 200
    assert petition.timeline.filter(action=Action.NOTE).count() == 1


def test_the_generic_action_endpoint_still_works(api, register, desk_clerk, units):
    petition = register()
    url = f"{URL}{petition.tracking_number}/actions/{Action.ASSIGN}/"
    response = api(desk_clerk).post(url, {"version": petition.version, "unit": units.zongzhi.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == State.HANDLING
    assert api(desk_clerk).post(f"{URL}{petition.tracking_number}/actions/nonsense/", {}).status_code == 404


def test_attachments_are_uploaded_and_listed(api, register, grid_worker_a, grid_worker_b, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    petition = register()
    url = f"{URL}{petition.tracking_number}/attachments/"
    client = api(grid_worker_a)
    upload = SimpleUploadedFile("现场.png", PNG_BYTES, content_type="image/png")
    response = client.post(url, {"version": petition.version, "files": [upload]}, format="multipart")
    assert response.status_code == 200, response.json()
    rows = client.get(url).json()
    assert [row["name"] for row in rows] == ["现场.png"]
    assert rows[0]["download"] == f"/petitions/{petition.tracking_number}/files/{rows[0]['id']}/"
    assert petition.timeline.filter(action=Action.ATTACH).count() == 1
    assert api(grid_worker_b).get(url).status_code == 404


def test_an_attachment_that_is_not_a_photo_or_pdf_is_refused(api, register, desk_clerk, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    petition = register()
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = api(desk_clerk).post(
        f"{URL}{petition.tracking_number}/attachments/", {"version": petition.version, "files": [fake]}
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()
