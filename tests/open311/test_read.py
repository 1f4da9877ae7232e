"""Open311 GeoReport v2, the reading side: discovery, services, service definitions, the
request search and one request — in JSON and XML, shaped as the specification's examples."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from open311 import selectors
from petitions.models import Category, Petition
from petitions.states import State
from tests.open311 import spec
from tests.petitions.conftest import PHONE, VALID_ID

FORMATS = ["json", "xml"]
REQUIRED_REQUEST_FIELDS = ["service_request_id", "status", "service_name", "service_code", "requested_datetime"]


def _xml_request_fields(root):
    return [spec.tags(request) for request in root]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_follows_the_spec(open311, town, fmt):
    response, body = open311("discovery", fmt)
    assert response.status_code == 200
    example = spec.tree(spec.DISCOVERY)
    if fmt == "xml":
        assert body.tag == "discovery"
        assert spec.tags(body) == spec.tags(example)
        endpoint = body.find("endpoints/endpoint")
        assert spec.tags(endpoint) == spec.tags(example.find("endpoints/endpoint"))
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    else:
        assert list(body) == spec.tags(example)
        (endpoint,) = body["endpoints"]
        assert list(endpoint) == spec.tags(example.find("endpoints/endpoint"))
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert town.hotline in body["contact"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(open311, town, category, fmt):
    response, body = open311("services", fmt)
    assert response.status_code == 200
    example_fields = spec.tags(spec.tree(spec.SERVICES)[0])
    if fmt == "xml":
        assert body.tag == "services" and {child.tag for child in body} == {"service"}
        rows = [{child.tag: child.text for child in service} for service in body]
        assert all(spec.tags(service) == example_fields for service in body)
        assert rows[0]["metadata"] == "true"
    else:
        rows = body
        assert all(list(row) == example_fields for row in rows)
        assert rows[0]["metadata"] is True
    by_code = {row["service_code"]: row for row in rows}
    boundary = by_code[category.code]
    assert (boundary["service_name"], boundary["group"], boundary["type"]) == ("地界房界", "邻里纠纷", "realtime")
    assert "neighbours" not in by_code  # a group, not a service


def test_an_inactive_category_is_no_service(open311, town, category):
    category.active = False
    category.save()
    _, body = open311("services")
    assert category.code not in {row["service_code"] for row in body}
    response, errors = open311(f"services/{category.code}")
    assert response.status_code == 404 and errors[0]["code"] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_follows_the_spec(open311, town, village_a, village_b, category, fmt):
    response, body = open311(f"services/{category.code}", fmt)
    assert response.status_code == 200
    example = spec.tree(spec.SERVICE_DEFINITION)
    example_attribute = example.find("attributes/attribute")
    if fmt == "xml":
        assert body.tag == "service_definition" and spec.tags(body) == spec.tags(example)
        assert body.findtext("service_code") == category.code
        for attribute in body.find("attributes"):
            assert spec.is_ordered_subset(spec.tags(attribute), spec.tags(example_attribute))
        village = next(a for a in body.find("attributes") if a.findtext("code") == "village")
        keys = [value.findtext("key") for value in village.find("values")]
        assert all(spec.tags(value) == ["key", "name"] for value in village.find("values"))
    else:
        assert list(body) == spec.tags(example)
        for attribute in body["attributes"]:
            assert spec.is_ordered_subset(list(attribute), spec.tags(example_attribute))
            assert isinstance(attribute["variable"], bool) and isinstance(attribute["order"], int)
        village = next(a for a in body["attributes"] if a["code"] == "village")
        keys = [value["key"] for value in village["values"]]
        kind = next(a for a in body["attributes"] if a["code"] == "kind")
        assert "accusation" not in {value["key"] for value in kind["values"]}
    assert keys == sorted([village_a.code, village_b.code])


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404_in_the_spec_shape(open311, town, fmt):
    response, body = open311("services/no-such-thing", fmt)
    assert response.status_code == 404
    example = spec.tree(spec.ERRORS)
    if fmt == "xml":
        assert body.tag == "errors" and spec.tags(body[0]) == spec.tags(example[0])
        assert body[0].findtext("code") == "404" and "no-such-thing" in body[0].findtext("description")
    else:
        assert body == [{"code": 404, "description": body[0]["description"]}]
        assert "no-such-thing" in body[0]["description"]


def test_jurisdiction_is_the_town_code(open311, town, category):
    assert open311("services", data={"jurisdiction_id": town.code})[0].status_code == 200
    response, body = open311("requests", data={"jurisdiction_id": "999999999"})
    assert response.status_code == 404 and body[0]["code"] == 404
    response, body = open311(f"services/{category.code}", "xml", data={"jurisdiction_id": "999999999"})
    assert response.status_code == 404 and body[0].findtext("code") == "404"


def test_jurisdiction_is_required_when_there_are_two_towns(open311, town):
    from tests.factories import TownFactory

    TownFactory(code="341502106", name="毛坦厂镇", tracking_prefix="MTC")
    response, body = open311("requests")
    assert response.status_code == 400 and "jurisdiction_id" in body[0]["description"]
    assert open311("requests", data={"jurisdiction_id": town.code})[0].status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_follow_the_spec(open311, register, walk, units, fmt):
    open_one = register()
    closed_one = walk(register(), State.CLOSED)
    response, body = open311("requests", fmt)
    assert response.status_code == 200
    example_fields = spec.tags(spec.tree(spec.REQUESTS)[0])
    if fmt == "xml":
        assert body.tag == "service_requests" and {child.tag for child in body} == {"request"}
        for fields in _xml_request_fields(body):
            assert spec.is_ordered_subset(fields, example_fields)
            assert set(REQUIRED_REQUEST_FIELDS) <= set(fields)
        rows = [{child.tag: child.text for child in request} for request in body]
    else:
        rows = body
        for row in rows:
            assert spec.is_ordered_subset(list(row), example_fields)
            assert set(REQUIRED_REQUEST_FIELDS) <= set(row)
    by_id = {row["service_request_id"]: row for row in rows}
    assert by_id[open_one.tracking_number]["status"] == "open"
    closed = by_id[closed_one.tracking_number]
    assert closed["status"] == "closed"
    assert closed["agency_responsible"] == units.zongzhi.name
    closed_one.refresh_from_db()
    assert closed["updated_datetime"] == timezone.localtime(closed_one.closed_at).isoformat(timespec="seconds")
    assert closed["requested_datetime"].endswith("+08:00")
    assert closed["address"] == "东河口村委会, 东河口镇, 安徽省六安市金安区"
    assert closed["address_id"] == open_one.village.code


def test_handling_requests_expect_the_legal_deadline(open311, register, walk, units):
    handling = walk(register(), State.HANDLING)
    _, body = open311(f"requests/{handling.tracking_number}")
    assert body[0]["expected_datetime"] == f"{handling.handle_due.isoformat()}T23:59:59+08:00"


def test_no_personal_data_and_no_petition_text_ever(open311, register, units, client):
    petition = register()
    for fmt in FORMATS:
        for resource in ("requests", f"requests/{petition.tracking_number}"):
            text = client.get(f"/open311/v2/{resource}.{fmt}").content.decode()
            assert petition.tracking_number in text
            for secret in ("刘芳", "刘*", PHONE, VALID_ID, petition.content, petition.request, petition.query_code):
                assert secret not in text


def test_accusations_never_appear(open311, accusation, register, units):
    secret = accusation()
    plain = register()
    _, body = open311("requests")
    assert [row["service_request_id"] for row in body] == [plain.tracking_number]
    _, body = open311("requests", data={"service_request_id": secret.tracking_number})
    assert body == []
    response, body = open311(f"requests/{secret.tracking_number}")
    assert response.status_code == 404 and body[0]["code"] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_is_a_list_of_one(open311, register, units, fmt):
    petition = register()
    response, body = open311(f"requests/{petition.tracking_number}", fmt)
    assert response.status_code == 200
    if fmt == "xml":
        assert body.tag == "service_requests" and len(body) == 1
        assert body[0].findtext("service_request_id") == petition.tracking_number
    else:
        assert len(body) == 1 and body[0]["service_request_id"] == petition.tracking_number


def test_walking_the_numbers_does_not_tell_which_are_accusations(open311, accusation, register, units):
    """The tester walked DHK-2026-000001… and found every accusation as the one number that
    answered 404. Accusations are numbered in their own series, so the public series has no
    gaps and an accusation's number answers exactly as a number that does not exist."""
    first = register()
    secrets = [accusation() for _ in range(3)]
    last = register()
    public = [first, last]
    year = first.tracking_number.split("-")[1]
    walked = [f"DHK-{year}-{n:06d}" for n in range(1, 6)]
    answers = {number: open311(f"requests/{number}")[0].status_code for number in walked}
    assert [number for number, status in answers.items() if status == 200] == [p.tracking_number for p in public]
    assert {secret.tracking_number for secret in secrets}.isdisjoint(walked)
    assert all(secret.tracking_number.startswith(f"DHK-JK-{year}-") for secret in secrets)
    missing = open311(f"requests/DHK-JK-{year}-000099")
    for secret in secrets:
        response, body = open311(f"requests/{secret.tracking_number}")
        assert response.status_code == missing[0].status_code == 404
        assert body[0]["description"] == missing[1][0]["description"].replace("000099", secret.tracking_number[-6:])


def test_open311_look_ups_share_the_status_pages_limit(open311, register, units, settings, client):
    settings.STATUS_LIMIT_PER_10_MINUTES = 3
    petition = register()
    assert client.post("/status/", {"number": petition.tracking_number, "code": "WRONG123"}).status_code == 200
    assert open311(f"requests/{petition.tracking_number}")[0].status_code == 200
    assert open311("requests")[0].status_code == 200
    response, body = open311(f"requests/{petition.tracking_number}")
    assert response.status_code == 429 and body[0]["code"] == 429 and response["Retry-After"]
    assert open311("requests")[0].status_code == 429
    assert open311("tokens/8f7e4c1a-3f3e-4d7e-9a55-0f0e3e2f5a11")[0].status_code == 429
    # a spoofed X-Forwarded-For does not give a fresh allowance
    assert client.get("/open311/v2/requests.json", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429


def test_unknown_request_is_404(open311, town):
    response, body = open311("requests/DHK-2026-999999", "xml")
    assert response.status_code == 404 and body[0].findtext("code") == "404"


def _age(petition: Petition, days: int) -> None:
    Petition.objects.filter(pk=petition.pk).update(registered_at=timezone.now() - timedelta(days=days))


def test_default_window_is_the_last_90_days(open311, register, units):
    recent, old = register(), register()
    _age(old, 91)
    _, body = open311("requests")
    assert [row["service_request_id"] for row in body] == [recent.tracking_number]


def test_a_dated_search_finds_older_requests(open311, register, units):
    recent, old = register(), register()
    _age(old, 100)
    start = (timezone.localdate() - timedelta(days=120)).isoformat()
    end = (timezone.localdate() - timedelta(days=60)).isoformat()
    _, body = open311("requests", data={"start_date": f"{start}T00:00:00+08:00", "end_date": f"{end}T00:00:00Z"})
    assert [row["service_request_id"] for row in body] == [old.tracking_number]
    _, body = open311("requests", data={"start_date": start})  # a date alone, and the next 90 days
    assert [row["service_request_id"] for row in body] == [old.tracking_number]
    _, body = open311("requests", data={"end_date": end})  # the 90 days before
    assert [row["service_request_id"] for row in body] == [old.tracking_number]
    assert recent.tracking_number not in str(body)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "before"),
        ({"start_date": "2026-01-01T00:00:00"}, "time zone"),
        ({"start_date": "yesterday"}, "W3C"),
        ({"status": "pending"}, "open or closed"),
        ({"service_code": "no-such-code"}, "no-such-code"),
    ],
)
def test_bad_search_parameters_are_400(open311, client, town, params, words):
    client.cookies["django_language"] = "en"
    for fmt in FORMATS:
        response, body = open311("requests", fmt, data=params)
        assert response.status_code == 400
        text = body[0]["description"] if fmt == "json" else body[0].findtext("description")
        code = body[0]["code"] if fmt == "json" else int(body[0].findtext("code"))
        assert (code, words in text) == (400, True), text


def test_status_and_service_code_filter(open311, register, walk, units, category):
    other = register(category=Category.objects.get(code="roads"))
    open_one = register()
    closed_one = walk(register(), State.CLOSED)
    ids = lambda body: {row["service_request_id"] for row in body}  # noqa: E731
    assert ids(open311("requests", data={"status": "closed"})[1]) == {closed_one.tracking_number}
    assert ids(open311("requests", data={"status": "open"})[1]) == {open_one.tracking_number, other.tracking_number}
    both = ids(open311("requests", data={"status": "open,closed"})[1])
    assert both == {open_one.tracking_number, other.tracking_number, closed_one.tracking_number}
    assert ids(open311("requests", data={"service_code": "roads"})[1]) == {other.tracking_number}
    assert ids(open311("requests", data={"service_code": f"roads,{category.code}", "status": "open"})[1]) == {
        open_one.tracking_number,
        other.tracking_number,
    }


def test_service_request_id_overrides_every_other_argument(open311, register, units):
    old, recent = register(), register()
    _age(old, 400)
    data = {"service_request_id": f"{old.tracking_number},{recent.tracking_number}", "status": "closed"}
    _, body = open311("requests", data=data)
    assert {row["service_request_id"] for row in body} == {old.tracking_number, recent.tracking_number}


def test_a_search_returns_at_most_the_limit_newest_first(open311, register, units, monkeypatch):
    monkeypatch.setattr(selectors, "LIMIT", 3)
    petitions = [register(petitioners=[], anonymous=True) for _ in range(5)]
    _, body = open311("requests")
    assert [row["service_request_id"] for row in body] == [p.tracking_number for p in reversed(petitions)][:3]


def test_the_real_limit_is_the_specs():
    assert selectors.LIMIT == 1000
    assert selectors.WINDOW.days == 90


def test_list_query_counts_do_not_grow(open311, register, category, units, django_assert_num_queries):
    register()
    with django_assert_num_queries(2):  # town, requests
        open311("requests")
    with django_assert_num_queries(2):  # town, categories
        open311("services")
    with django_assert_num_queries(3):  # town, category, villages
        open311(f"services/{category.code}")
    for _ in range(4):
        register(petitioners=[], anonymous=True)
    with django_assert_num_queries(2):
        _, body = open311("requests", "xml")
    assert len(body) == 5
    with django_assert_num_queries(2):
        open311("services", "xml")


def test_writes_to_read_only_resources_are_refused(client, town):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/open311/v2/services.json").status_code == 200


def test_unknown_resources_are_404_in_xml(client, town):
    response = client.get("/open311/v2/frobnicate.csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<errors><error><code>404</code>" in response.content
