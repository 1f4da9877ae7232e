"""Which role sees which entry of the navigation: a table, so new entries cannot escape it."""

import pytest
from django.urls import reverse

from core.navigation import nav_items_for
from tests.conftest import PERSONAS

EXPECTED = {
    "desk_clerk": {"home", "petitions", "intake", "mediation", "meetings", "reports", "assessment", "roster"},
    "grid_worker_a": {"home", "village", "petitions", "intake", "reports"},
    "grid_worker_b": {"home", "village", "petitions", "intake", "reports"},
    "village_agent_a": {"home", "village", "petitions", "intake", "reports"},
    "mediator_a": {"home", "mediation"},
    "handler": {"home", "petitions", "reports"},
    "leader": {
        *("home", "petitions", "intake", "mediation", "meetings", "my_cases", "discipline"),
        *("dashboard", "reports", "assessment", "roster"),
    },
    "inspector": {"home", "petitions", "intake", "meetings", "discipline", "dashboard", "reports", "assessment"},
    "administrator": {
        "home",
        "petitions",
        "mediation",
        "meetings",
        "dashboard",
        "reports",
        "assessment",
        "roster",
        "admin",
    },
}
# Everybody also has the village list and the notification inbox.
for entries in EXPECTED.values():
    entries |= {"villages", "notifications"}


def test_every_persona_is_in_the_table():
    assert set(EXPECTED) == set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_navigation_per_role(request, login, persona):
    user = request.getfixturevalue(persona)
    assert {item.key for item in nav_items_for(user)} == EXPECTED[persona]
    html = login(user).get("/").content.decode()
    for key in EXPECTED[persona]:
        assert f'data-nav="{key}"' in html
    if "admin" not in EXPECTED[persona]:
        assert 'data-nav="admin"' not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_reach_the_admin(request, login, persona):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("admin:index"))
    expected = 200 if persona == "administrator" else 302
    assert response.status_code == expected


def test_resident_has_no_navigation(resident, town):
    assert 'data-nav="' not in resident.get("/").content.decode()
