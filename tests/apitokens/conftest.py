"""Fixtures for API tokens, built on the personas of tests/conftest.py and the petition
fixtures. ``issue`` creates a token through the service and returns (token, secret);
``token_client`` is a DRF client that sends a secret the way an outside system does."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apitokens.checks import MIDDLEWARE
from apitokens.services import api_token_create
from core.models import Role
from tests.petitions import conftest as petition_fixtures

category = petition_fixtures.category
conduct = petition_fixtures.conduct
accusation = petition_fixtures.accusation
fresh_caches = petition_fixtures.fresh_caches
register = petition_fixtures.register
registration = petition_fixtures.registration
units = petition_fixtures.units


@pytest.fixture(autouse=True)
def _token_log_middleware(settings):
    """The use log is written by apitokens.middleware; make sure the test stack has it."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@pytest.fixture
def issue(administrator, town):
    def _issue(**overrides):
        kwargs = {
            "name": "区平台",
            "system": "金安区信访信息系统",
            "created_by": administrator,
            "role": Role.DESK_CLERK,
            "town": town,
        }
        kwargs.update(overrides)
        issued = api_token_create(**kwargs)
        return issued.token, issued.secret

    return _issue


@pytest.fixture
def token_client():
    def _client(secret: str, scheme: str = "Token") -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {secret}")
        return client

    return _client


@pytest.fixture
def private_cache(settings, request):
    """Throttle counters in this process's memory: var/test/cache is shared with any other
    test run on the machine, and a parallel run's cache.clear() would reset the count."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
