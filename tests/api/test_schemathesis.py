"""Schemathesis against the live schema: every operation of /api/v1/, signed in as a desk
clerk, must answer without a server error and with a body the schema describes.

The app is called in-process (WSGI), inside the test's transaction, over ``world`` (one of
everything). Each operation runs twice: with generated path parameters (mostly objects that
do not exist or lie outside the clerk's scope) and with the identifiers of real objects."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 8
CSRF = "schemathesisCsrfSecret0123456789"  # 32 characters: a valid unmasked CSRF secret
CHECKS = [not_a_server_error, response_schema_conformance]


def real_parameters(world, village_a, grid_a, units, category, notification_id) -> dict[str, dict]:
    """Path parameters of existing objects, per path prefix."""
    registered = world.registered
    return {
        "/api/v1/petitions/{tracking_number}/petitioners/{petitioner_id}/": {
            "tracking_number": registered.tracking_number,
            "petitioner_id": registered.links.first().petitioner_id,
        },
        "/api/v1/petitions/": {"tracking_number": world.handling.tracking_number},
        "/api/v1/petitioners/": {"id": registered.links.first().petitioner_id},
        "/api/v1/assignments/": {"upstream_reference": world.assigned.upstream_reference},
        "/api/v1/categories/": {"code": category.code},
        "/api/v1/units/": {"id": units.zongzhi.pk},
        "/api/v1/villages/": {"code": village_a.code},
        "/api/v1/grids/": {"id": grid_a.pk},
        "/api/v1/meetings/": {"id": world.meeting.pk},
        "/api/v1/decisions/": {"id": world.decision.pk},
        "/api/v1/supervisions/": {"id": world.supervision.pk},
        "/api/v1/accountability-records/": {"id": world.record.pk},
        "/api/v1/reports/": {"id": world.report.pk},
        "/api/v1/notifications/": {"id": notification_id},
    }


def _fixed(operation, table: dict[str, dict]) -> dict | None:
    names = {parameter.name for parameter in operation.path_parameters}
    if not names:
        return None
    for prefix, values in table.items():
        if operation.path.startswith(prefix.split("{petitioner_id}")[0]) and names <= set(values):
            return {name: values[name] for name in names}
    return None


@pytest.fixture
def keep_connection():
    """A WSGI request closes the database connection when it ends (CONN_MAX_AGE=0), which on
    PostgreSQL would close the test's own transaction; Django's test client unhooks the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_documented(
    keep_connection, world, desk_clerk, client, village_a, grid_a, units, category
):
    client.force_login(desk_clerk)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    headers = {"X-CSRFToken": CSRF}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    table = real_parameters(
        world, village_a, grid_a, units, category, desk_clerk.notifications.values_list("pk", flat=True).first()
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    failures: list[str] = []
    for operation in operations:
        real = _fixed(operation, table)
        # Generated path parameters, then (where the world has one) a real object's.
        for fixed in (None, real) if real else (None,):
            strategy = operation.as_strategy(path_parameters=fixed) if fixed else operation.as_strategy()

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=strategy)
            def call(case):
                response = case.call(cookies=cookies, headers=headers)
                case.validate_response(response, checks=CHECKS)

            try:
                call()
            except (Exception, BaseExceptionGroup) as failure:  # collect them all, then fail once
                failures.append(f"{operation.label} {fixed or ''}: {failure!r}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_are_served_from_the_project(client, path):
    """Swagger UI and Redoc load their scripts from our static files, never from elsewhere,
    and run under the desk's CSP: scripts from the desk only, no inline script."""
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "https://" not in page and "http://" not in page
    assert "<script>" not in page
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'"


def test_swagger_uis_start_up_script_is_a_file(client):
    response = client.get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
