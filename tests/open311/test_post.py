"""Open311 POST requests: an outside system files a petition with its api_key."""

from __future__ import annotations

import uuid

import pytest

from apitokens.models import ApiTokenUse
from apitokens.services import api_token_revoke
from core.models import Role
from petitions.models import Petition
from petitions.states import Channel, Kind, State
from tests.open311 import spec
from tests.petitions.conftest import PHONE


@pytest.fixture
def hotline(issue):
    """The 12345 hotline system: a desk clerk's rights, its calls logged as hotline calls."""
    return issue(name="12345", system="12345 便民热线", channel=Channel.HOTLINE)


def form(secret, category, village, **extra):
    data = {
        "api_key": secret,
        "service_code": category.code,
        "address_id": village.code if village else None,
        "description": "路边排水沟被堵，雨天积水漫进院子。\n已经两周了。",
        "last_name": "刘",
        "first_name": "芳",
        "phone": "138-1234-1234",
        "email": "liu@example.com",
        "attribute[kind]": "grievance",
        "attribute[request]": "请尽快疏通。",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_files_a_petition(open311, hotline, category, village_a, units, fmt):
    token, secret = hotline
    response, body = open311("requests", fmt, method="post", data=form(secret, category, village_a))
    assert response.status_code == 201
    example = spec.tags(spec.tree(spec.POST_RESPONSE)[0])
    if fmt == "xml":
        assert body.tag == "service_requests" and spec.tags(body[0]) == example
        number = body[0].findtext("service_request_id")
    else:
        assert list(body[0]) == example and body[0]["account_id"] is None
        number = body[0]["service_request_id"]
    petition = Petition.objects.get(tracking_number=number)
    assert (petition.channel, petition.kind, petition.state) == (Channel.HOTLINE, Kind.GRIEVANCE, State.REGISTERED)
    assert (petition.village, petition.category, petition.registered_by) == (village_a, category, token.user)
    assert petition.title == "路边排水沟被堵，雨天积水漫进院子。"
    assert petition.request == "请尽快疏通。"
    person = petition.petitioners.get()
    assert (person.name, person.phone) == ("刘芳", PHONE)
    assert PHONE not in response.content.decode() and "刘芳" not in response.content.decode()


def test_the_new_request_can_be_read_back(open311, hotline, category, village_a, units):
    _, secret = hotline
    _, body = open311("requests", method="post", data=form(secret, category, village_a))
    number = body[0]["service_request_id"]
    response, body = open311(f"requests/{number}")
    assert response.status_code == 200 and body[0]["status"] == "open"
    assert body[0]["service_code"] == category.code


def test_location_may_be_an_address_or_coordinates(open311, hotline, category, units):
    _, secret = hotline
    data = form(secret, category, None, address_string="东河口镇老街 12 号", lat="31.6", long="116.3")
    response, body = open311("requests", method="post", data=data)
    assert response.status_code == 201, body
    petition = Petition.objects.get(tracking_number=body[0]["service_request_id"])
    assert petition.village is None
    assert "东河口镇老街 12 号" in petition.content and "31.6" in petition.content


def test_without_a_name_the_petition_is_anonymous(open311, hotline, category, village_a, units):
    _, secret = hotline
    data = form(secret, category, village_a, last_name=None, first_name=None, phone=None)
    _, body = open311("requests", method="post", data=data)
    petition = Petition.objects.get(tracking_number=body[0]["service_request_id"])
    assert petition.anonymous and not petition.petitioners.exists()


def test_a_grid_worker_token_files_in_its_own_grid(open311, issue, category, village_a, grid_a, units):
    _, secret = issue(role=Role.GRID_WORKER, village=village_a, grid=grid_a)
    data = form(secret, category, village_a, address_id=None, address_string="村部东侧")
    _, body = open311("requests", method="post", data=data)
    petition = Petition.objects.get(tracking_number=body[0]["service_request_id"])
    assert (petition.village, petition.grid) == (village_a, grid_a)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_api_key_is_required(open311, category, village_a, units, fmt):
    response, body = open311("requests", fmt, method="post", data=form("", category, village_a))
    assert response.status_code == 403
    code = body[0]["code"] if fmt == "json" else int(body[0].findtext("code"))
    assert code == 403
    assert not Petition.objects.exists()


def test_a_wrong_or_revoked_key_is_refused(open311, hotline, administrator, category, village_a, units):
    token, secret = hotline
    assert open311("requests", method="post", data=form(secret + "x", category, village_a))[0].status_code == 403
    api_token_revoke(token=token, revoked_by=administrator)
    response, body = open311("requests", method="post", data=form(secret, category, village_a))
    assert response.status_code == 403 and body[0]["code"] == 403
    assert not Petition.objects.exists()
    assert ApiTokenUse.objects.get().status == 403  # the refused attempt is in the log


def test_a_token_whose_role_may_not_register_is_refused(open311, issue, category, village_a, units):
    _, secret = issue(role=Role.MEDIATOR, village=village_a)
    response, _ = open311("requests", method="post", data=form(secret, category, village_a))
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_another_jurisdiction_is_refused(open311, hotline, category, village_a, units):
    from tests.factories import TownFactory

    other = TownFactory(code="341502106", name="毛坦厂镇", tracking_prefix="MTC")
    _, secret = hotline
    response, _ = open311("requests", method="post", data=form(secret, category, village_a, jurisdiction_id=other.code))
    assert response.status_code == 403
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"service_code": None}, 400),
        ({"service_code": "no-such-service"}, 404),
        ({"address_id": None}, 400),
        ({"address_id": "341502105999"}, 400),
        ({"description": None}, 400),
        ({"description": "长" * 4001}, 400),
        ({"attribute[kind]": "accusation"}, 400),
        ({"attribute[headcount]": "0"}, 400),
        ({"attribute[title]": "题" * 101}, 400),
        ({"phone": "12345"}, 400),
        ({"last_name": None, "first_name": None}, 400),  # a phone without a name
        ({"lat": "north", "long": "116.3"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
    ],
)
def test_bad_input_is_refused_with_the_spec_status_and_changes_nothing(
    open311, hotline, category, village_a, units, extra, status
):
    _, secret = hotline
    response, body = open311("requests", method="post", data=form(secret, category, village_a, **extra))
    assert response.status_code == status
    assert body and all(error["code"] == status and error["description"] for error in body)
    assert not Petition.objects.exists()


def test_several_problems_are_reported_together(open311, hotline, category, village_a, units):
    _, secret = hotline
    data = form(secret, category, village_a, description=None, **{"attribute[kind]": "accusation"})
    response, body = open311("requests", method="post", data=data)
    assert response.status_code == 400 and len(body) == 2


def test_a_retried_post_files_once(open311, hotline, category, village_a, units):
    _, secret = hotline
    key = str(uuid.uuid4())
    data = form(secret, category, village_a)
    first, first_body = open311("requests", method="post", data=data, HTTP_IDEMPOTENCY_KEY=key)
    again, again_body = open311("requests", method="post", data=data, HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first_body[0]["service_request_id"] == again_body[0]["service_request_id"]
    assert Petition.objects.count() == 1
    bad, _ = open311("requests", method="post", data=data, HTTP_IDEMPOTENCY_KEY="not-a-uuid")
    assert bad.status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_token_resource_finds_the_request_of_a_retry_key(open311, hotline, category, village_a, units, fmt):
    _, secret = hotline
    key = str(uuid.uuid4())
    _, body = open311("requests", method="post", data=form(secret, category, village_a), HTTP_IDEMPOTENCY_KEY=key)
    number = body[0]["service_request_id"]
    response, found = open311(f"tokens/{key}", fmt)
    assert response.status_code == 200
    example = spec.tags(spec.tree(spec.TOKEN)[0])
    if fmt == "xml":
        assert spec.tags(found[0]) == example
        assert (found[0].findtext("service_request_id"), found[0].findtext("token")) == (number, key)
    else:
        assert found == [{"service_request_id": number, "token": key}]
    assert open311(f"tokens/{uuid.uuid4()}")[0].status_code == 404
    assert open311("tokens/12345")[0].status_code == 404


def test_posts_are_throttled_per_token(open311, hotline, issue, category, village_a, units, settings, private_cache):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "2/minute"}}
    _, secret = hotline
    statuses = [
        open311("requests", method="post", data=form(secret, category, village_a))[0].status_code for _ in "abc"
    ]
    assert statuses == [201, 201, 429]
    response, body = open311("requests", "xml", method="post", data=form(secret, category, village_a))
    assert response.status_code == 429 and body[0].findtext("code") == "429"
    assert 0 < int(response["Retry-After"]) <= 60
    _, other = issue(name="网站")
    assert open311("requests", method="post", data=form(other, category, village_a))[0].status_code == 201


def test_each_post_is_logged(open311, hotline, category, village_a, units):
    token, secret = hotline
    open311("requests", method="post", data=form(secret, category, village_a), REMOTE_ADDR="10.0.0.8")
    open311("requests", method="post", data=form(secret, category, village_a, service_code=None))
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("id").values_list("method", "path", "status"))
    assert uses == [("POST", "/open311/v2/requests.json", 201), ("POST", "/open311/v2/requests.json", 400)]
    assert ApiTokenUse.objects.filter(token=token).order_by("id").first().client_address == "10.0.0.8"


def test_reading_needs_no_key_and_is_not_logged(open311, register, units):
    register()
    assert open311("requests")[0].status_code == 200
    assert not ApiTokenUse.objects.exists()


def test_a_browser_session_cannot_post_without_a_key(client, desk_clerk, category, village_a, units):
    client.force_login(desk_clerk)
    data = form("", category, village_a)
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 403
    assert not Petition.objects.exists()
