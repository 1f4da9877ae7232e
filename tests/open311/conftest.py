"""Fixtures for Open311: the petition fixtures, API tokens, and a client that reads both
formats of the spec."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from tests.apitokens import conftest as token_fixtures
from tests.petitions import conftest as petition_fixtures

accusation = petition_fixtures.accusation
category = petition_fixtures.category
conduct = petition_fixtures.conduct
fresh_caches = petition_fixtures.fresh_caches
register = petition_fixtures.register
registration = petition_fixtures.registration
units = petition_fixtures.units
walk = petition_fixtures.walk
act = petition_fixtures.act
issue = token_fixtures.issue
private_cache = token_fixtures.private_cache
_token_log_middleware = token_fixtures._token_log_middleware

BASE = "/open311/v2/"


def parse(response, fmt: str):
    """The body as Python (JSON) or as an element tree (XML), after checking the headers the
    spec asks for: UTF-8 and the declaration on XML."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own response, in a test


@pytest.fixture
def open311(client):
    """GET or POST a resource in one format; returns (response, parsed body)."""

    def _call(resource: str, fmt: str = "json", *, method: str = "get", data=None, **extra):
        url = f"{BASE}{resource}.{fmt}"
        response = getattr(client, method)(url, data or {}, **extra)
        return response, parse(response, fmt)

    return _call
