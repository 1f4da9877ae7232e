"""Who may register what (issue 15, items 5 and 6): village staff register their own
village's petitions only — the intake offers nothing else and the service and API refuse the
rest without storing it; accusations are registered at the township (desk, leaders,
inspectors), go to the inspectors only, and their registrar gets the receipt once."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from petitions.errors import NotAllowed
from petitions.models import Petition
from petitions.states import Kind
from tests.petitions.test_pages import intake_data

PETITIONS = "/api/v1/petitions/"
ASSIGNMENTS = "/api/v1/assignments/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_body(category, village, **overrides) -> dict:
    return {
        "channel": "hotline",
        "kind": "grievance",
        "category": category.code,
        "village": village.code,
        "title": "排水沟被堵",
        "content": "雨天积水",
        "petitioners": [{"name": "刘芳", "phone": "13812341234"}],
        **overrides,
    }


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


# --- Village staff: their own village only ---------------------------------------------------------


def test_intake_offers_a_grid_worker_only_their_village(login, grid_worker_b, village_a, village_b, units):
    html = login(grid_worker_b).get(reverse("petitions:intake")).content.decode()
    assert options(html, "village") == [str(village_b.pk)]
    assert Kind.ACCUSATION not in options(html, "kind")


def test_intake_offers_the_desk_every_village_and_accusations(login, desk_clerk, village_a, village_b, units):
    html = login(desk_clerk).get(reverse("petitions:intake")).content.decode()
    assert {str(village_a.pk), str(village_b.pk)} <= set(options(html, "village"))
    assert Kind.ACCUSATION in options(html, "kind")


def test_a_grid_worker_cannot_register_in_another_village(login, grid_worker_b, category, village_a, grid_a, units):
    response = login(grid_worker_b).post(reverse("petitions:intake"), intake_data(category, village_a, grid_a))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_a_grid_worker_registers_in_their_village_and_gets_the_receipt(
    login, grid_worker_b, category, village_b, grid_b, units
):
    client = login(grid_worker_b)
    response = client.post(reverse("petitions:intake"), intake_data(category, village_b, grid_b))
    petition = Petition.objects.get()
    assert response.status_code == 302 and petition.village == village_b
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200 and petition.query_code in receipt.content.decode()


def test_the_service_refuses_out_of_scope_registrations(registration, grid_worker_b, village_a, village_b, conduct):
    with pytest.raises(NotAllowed):
        registration(actor=grid_worker_b, village=village_a)
    with pytest.raises(NotAllowed):  # village staff do not take accusations, not even their village's
        registration(actor=grid_worker_b, village=village_b, kind=Kind.ACCUSATION, category=conduct)
    assert not Petition.objects.exists()


def test_village_staff_without_a_village_given_register_in_theirs(registration, village_agent_a, village_a):
    assert registration(actor=village_agent_a, village=None).petition.village == village_a


def test_the_api_refuses_another_village_with_403_and_stores_nothing(grid_worker_b, category, village_a, units):
    response = api(grid_worker_b).post(PETITIONS, api_body(category, village_a), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    assert "长岭村" in response.json()["error"]["message"]
    assert not Petition.objects.exists()


def test_the_assignments_api_refuses_another_village_with_403(grid_worker_b, category, village_a, units):
    body = api_body(category, village_a, upstream_reference="LA-2026-7", kind="grievance")
    del body["channel"]
    response = api(grid_worker_b).post(ASSIGNMENTS, body, format="json")
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_a_grid_worker_cannot_register_an_accusation_through_the_api(grid_worker_b, conduct, village_b, units):
    response = api(grid_worker_b).post(PETITIONS, api_body(conduct, village_b, kind="accusation"), format="json")
    assert response.status_code == 403
    assert not Petition.objects.exists()


# --- Accusations: the desk registers, the inspectors see, the registrar gets the receipt once ----------


def test_the_desk_registers_an_accusation_and_sees_its_receipt_once(login, desk_clerk, conduct, village_a, grid_a):
    client = login(desk_clerk)
    data = intake_data(conduct, village_a, grid_a, kind=Kind.ACCUSATION)
    response = client.post(reverse("petitions:intake"), data)
    petition = Petition.objects.get()
    assert response.status_code == 302 and petition.kind == Kind.ACCUSATION
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert petition.tracking_number in html and petition.query_code in html
    assert "只显示这一次" in html
    assert f'href="{reverse("petitions:detail", args=[petition.tracking_number])}"' not in html  # no link in
    assert client.get(response["Location"]).status_code == 404  # once
    assert client.get(reverse("petitions:detail", args=[petition.tracking_number])).status_code == 404
    # A double submit of the same form neither registers again nor shows the receipt again.
    again = client.post(reverse("petitions:intake"), data)
    assert Petition.objects.count() == 1
    assert client.get(again["Location"]).status_code == 404


def test_an_inspector_sees_the_receipt_of_an_accusation_any_time(login, inspector, conduct, village_a, grid_a, units):
    client = login(inspector)
    response = client.post(reverse("petitions:intake"), intake_data(conduct, village_a, grid_a, kind=Kind.ACCUSATION))
    for _ in range(2):
        page = client.get(response["Location"]).content.decode()
        assert "只显示这一次" not in page and Petition.objects.get().query_code in page


def test_another_clerk_never_sees_an_accusations_receipt(client, desk_clerk, conduct, village_a, grid_a, units):
    from tests.factories import UserFactory

    client.force_login(desk_clerk)
    response = client.post(reverse("petitions:intake"), intake_data(conduct, village_a, grid_a, kind=Kind.ACCUSATION))
    other = UserFactory(username="clerk2", role=desk_clerk.role, town=desk_clerk.town)
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404


def test_the_api_gives_the_registrar_the_accusation_receipt_not_the_case(desk_clerk, conduct, village_a, units):
    client = api(desk_clerk)
    key = str(uuid.uuid4())
    body = api_body(conduct, village_a, kind="accusation", title="反映村干部违规收费", content="村主任收取好处费")
    first = client.post(PETITIONS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.json()
    petition = Petition.objects.get()
    assert first.json() == {
        "tracking_number": petition.tracking_number,
        "kind": "accusation",
        "state": "registered",
        "registered_at": first.json()["registered_at"],
        "query_code": petition.query_code,
    }
    assert "-JK-" in petition.tracking_number
    retried = client.post(PETITIONS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)  # a lost answer, retried
    assert retried.status_code == 200 and retried.json()["tracking_number"] == petition.tracking_number
    assert Petition.objects.count() == 1
    assert client.get(f"{PETITIONS}{petition.tracking_number}/").status_code == 404


def test_an_accusation_assigned_from_above_answers_201_once(desk_clerk, conduct, village_a, units):
    body = api_body(conduct, village_a, upstream_reference="JW-2026-3", kind="accusation")
    del body["channel"]
    client = api(desk_clerk)
    first = client.post(ASSIGNMENTS, body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["tracking_number"] == Petition.objects.get().tracking_number
    again = client.post(ASSIGNMENTS, body, format="json")
    assert again.status_code == 409
    assert Petition.objects.count() == 1


# --- A retry's key reused for other content is a conflict (issue 15, item 8) -----------------------


def test_an_idempotency_key_reused_for_another_petition_answers_409(desk_clerk, category, village_a, units):
    client = api(desk_clerk)
    key = str(uuid.uuid4())
    first = client.post(PETITIONS, api_body(category, village_a), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    other = api_body(category, village_a, title="另一件事", content="完全不同的内容")
    reused = client.post(PETITIONS, other, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Petition.objects.count() == 1 and Petition.objects.get().title == "排水沟被堵"


def test_an_upstream_reference_reused_for_another_case_answers_409(desk_clerk, category, village_a, units):
    body = api_body(category, village_a, upstream_reference="LA-2026-77")
    del body["channel"]
    client = api(desk_clerk)
    assert client.post(ASSIGNMENTS, body, format="json").status_code == 201
    assert client.post(ASSIGNMENTS, body, format="json").status_code == 200  # the same delivery again
    other = {**body, "title": "另一件交办事项", "content": "不同的内容"}
    reused = client.post(ASSIGNMENTS, other, format="json")
    assert reused.status_code == 409
    assert Petition.objects.count() == 1
