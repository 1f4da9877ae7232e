"""One error shape everywhere under /api/ (issue 15, item 7): an unknown path, a body that
cannot be read (too large, multipart without a boundary) and a crash all answer
{"error": {"code", "message"}} as JSON, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from apitokens.services import api_token_create
from petitions.models import Petition

URL = "/api/v1/petitions/"


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


@pytest.fixture
def token_header(desk_clerk):
    issued = api_token_create(name="probe", system="hotline", created_by=None, user=desk_clerk)
    return {"HTTP_AUTHORIZATION": f"Token {issued.secret}"}


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/nope", "/api/v1/petitions/not-a-number/x/"])
def test_unknown_paths_answer_json_404(client, desk_clerk, path):
    assert_error(client.get(path), 404, "not_found")
    client.force_login(desk_clerk)
    assert_error(client.get(path), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


def test_a_3_mb_json_body_answers_400(client, token_header, units, category, village_a):
    body = json.dumps({"channel": "hotline", "kind": "grievance", "title": "x", "content": "长" * (1024 * 1024)})
    assert len(body.encode()) > 3_000_000
    response = client.post(URL, body, content_type="application/json", **token_header)
    assert_error(response, 400, "invalid")
    assert not Petition.objects.exists()


@pytest.mark.parametrize("auth", ["token", "session"])
def test_multipart_without_a_boundary_answers_400(desk_clerk, token_header, units, auth):
    client = Client(enforce_csrf_checks=True)
    headers = token_header if auth == "token" else {}
    if auth == "session":
        client.force_login(desk_clerk)
    response = client.generic(
        "POST",
        URL,
        b"--x\r\nContent-Disposition: form-data; name=title\r\n\r\nx\r\n--x--",
        "multipart/form-data",
        **headers,
    )
    assert response.status_code in (400, 403), response.content[:300]  # 403: the session's CSRF check
    assert response.json()["error"]["code"]
    assert not Petition.objects.exists()


def test_a_crash_under_the_api_answers_json_500(settings, token_header, desk_clerk, monkeypatch):
    from petitions import api

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.PetitionViewSet, "list", crash)
    client = Client(raise_request_exception=False)
    response = client.get(URL, **token_header)
    assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()


@pytest.mark.parametrize("csrf", [False, True])
def test_every_write_endpoint_answers_unreadable_bodies_in_json(desk_clerk, units, register, csrf):
    """Every POST/PUT/PATCH of the schema, from a signed-in browser session (with and without
    the CSRF check), given a body it cannot read: never a 500, never an HTML page."""
    from drf_spectacular.generators import SchemaGenerator

    petition = register()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = Client(raise_request_exception=False, enforce_csrf_checks=csrf)
    client.force_login(desk_clerk)
    unreadable = [
        ("multipart/form-data", b"--x\r\n\r\n"),
        ("multipart/form-data; boundary=", b""),
        ("application/json", b"{bad"),
    ]
    wrong = []
    for path, operations in schema["paths"].items():
        url = path.replace("{tracking_number}", petition.tracking_number).replace("{id}", "1")
        url = url.replace("{upstream_reference}", "x").replace("{step}", "close")
        for method in set(operations) & {"post", "put", "patch"}:
            for content_type, body in unreadable:
                response = client.generic(method.upper(), url, body, content_type)
                if response.status_code >= 500 or not response["Content-Type"].startswith("application/json"):
                    wrong.append((method, url, content_type, response.status_code))
    assert not wrong
    assert Petition.objects.count() == 1
