"""The OpenAPI schema: valid without a single warning, every operation described, with
Chinese examples and its error answers in the one error shape."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command

METHODS = ("get", "post", "put", "patch", "delete")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory) -> dict:
    """`manage.py spectacular --validate --fail-on-warn`: fails on any warning."""
    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return yaml.safe_load(out.read_text(encoding="utf-8"))


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_schema_is_titled_in_chinese_and_covers_the_api(schema):
    assert schema["info"]["title"] == "民呼快应 API"
    assert HAN.search(schema["info"]["description"])
    assert schema["servers"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert len(list(operations(schema))) > 60


def test_every_operation_has_a_summary_and_a_description(schema):
    missing = [f"{method} {path}" for path, method, op in operations(schema) if not op.get("summary")]
    assert missing == []
    undescribed = [
        f"{method} {path}"
        for path, method, op in operations(schema)
        if method == "post" and not HAN.search(op.get("description", ""))
    ]
    assert undescribed == []


def test_every_write_has_a_chinese_request_example(schema):
    missing = []
    for path, method, op in operations(schema):
        if method != "post" or "requestBody" not in op:
            continue
        content = op["requestBody"]["content"]
        examples = [ex for media in content.values() for ex in media.get("examples", {}).values()]
        if not any(HAN.search(str(ex.get("value"))) for ex in examples) and "multipart/form-data" not in content:
            missing.append(f"{method} {path}")
    assert missing == []


def test_every_operation_documents_its_errors_in_the_one_shape(schema):
    for path, method, op in operations(schema):
        responses = op["responses"]
        for code in ("401", "403", "429"):
            assert code in responses, f"{method} {path} {code}"
        if "{" in path:
            assert "404" in responses, f"{method} {path}"
        if method == "post":
            assert "400" in responses, f"{method} {path}"
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", f"{method} {path} {code}"
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"] == "#/components/schemas/ErrorBody"


def test_every_lifecycle_action_documents_the_conflict(schema):
    from petitions.api_actions import ENDPOINT_ACTIONS, url_path

    for action in ENDPOINT_ACTIONS:
        op = schema["paths"][f"/api/v1/petitions/{{tracking_number}}/{url_path(action)}/"]["post"]
        assert "409" in op["responses"]
        body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "version" in schema["components"]["schemas"][body]["required"]


def test_sessions_and_api_tokens_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "cookieAuth" in schemes


def test_every_paginated_list_documents_the_capped_count(schema):
    paginated = {name: body for name, body in schema["components"]["schemas"].items() if name.startswith("Paginated")}
    assert paginated
    for name, body in paginated.items():
        assert {"count", "count_capped", "results"} <= set(body["required"]), name
        assert body["properties"]["count_capped"]["type"] == "boolean", name
        assert HAN.search(body["properties"]["count_capped"]["description"]), name
