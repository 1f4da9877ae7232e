"""Assignments from above (上级交办): registered once per upstream reference, read back by it."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from petitions.api_assignments import AssignmentViewSet
from petitions.errors import DuplicateUpstreamReference
from petitions.models import Petition
from petitions.states import Action, Channel, Origin, State
from tests.petitions.conftest import PHONE, VALID_ID

URL = "/api/v1/assignments/"


@pytest.fixture
def body(category, village_a):
    return {
        "upstream_reference": "LA-20261120-118",
        "upstream_due": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "kind": "grievance",
        "category": category.code,
        "village": village_a.code,
        "title": "群众反映邻居建房侵占地界",
        "content": "区信访平台转来：邻居新建院墙越过地界约半米。",
        "petitioners": [{"name": "刘芳", "phone": PHONE, "id_number": VALID_ID}],
    }


def test_an_assignment_is_registered_as_assigned_from_the_platform(api, desk_clerk, units, body):
    response = api(desk_clerk).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    petition = Petition.objects.get()
    assert (petition.origin, petition.channel) == (Origin.ASSIGNED, Channel.PLATFORM)
    assert petition.upstream_reference == "LA-20261120-118"
    assert petition.upstream_due.isoformat() == body["upstream_due"]
    assert data["tracking_number"] == petition.tracking_number
    assert (data["state"], data["reply"], data["rating"]) == (State.REGISTERED, None, None)


def test_the_same_reference_again_returns_the_first_case(api, desk_clerk, units, body):
    client = api(desk_clerk)
    first = client.post(URL, body, format="json")
    again = client.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    # The reference reused for other content is a conflict, not the first case (issue 15).
    assert client.post(URL, {**body, "title": "再次推送"}, format="json").status_code == 409
    assert Petition.objects.count() == 1
    assert Petition.objects.get().title == body["title"]


def test_a_race_between_two_deliveries_ends_with_one_case(api, desk_clerk, units, body):
    """The second delivery passed the look-up before the first one committed: the unique
    constraint stops it, and it answers with the first case."""
    client = api(desk_clerk)
    first = client.post(URL, body, format="json").json()
    real = AssignmentViewSet._existing
    calls = []

    def blind_first(self, user, reference):
        calls.append(reference)
        return None if len(calls) == 1 else real(self, user, reference)

    with mock.patch.object(AssignmentViewSet, "_existing", blind_first):
        again = client.post(URL, body, format="json")
    assert again.status_code == 200
    assert again.json()["tracking_number"] == first["tracking_number"]
    assert len(calls) == 2
    assert Petition.objects.count() == 1


def test_the_database_refuses_a_second_case_with_the_same_reference(register, units):
    register(origin=Origin.ASSIGNED, upstream_reference="LA-9")
    with pytest.raises(DuplicateUpstreamReference):  # the service says so first
        register(origin=Origin.ASSIGNED, upstream_reference="LA-9", petitioners=[], anonymous=True)
    second = register(origin=Origin.ASSIGNED, upstream_reference="LA-10", petitioners=[], anonymous=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the constraint behind it
        Petition.objects.filter(pk=second.pk).update(upstream_reference="LA-9")


def test_other_towns_may_use_the_same_reference(register, units):
    from tests.factories import TownFactory

    register(origin=Origin.ASSIGNED, upstream_reference="LA-9")
    other = TownFactory(code="341502106", name="另一镇", tracking_prefix="LYZ")
    register(
        town=other,
        actor=None,  # the desk of one town does not register another's cases
        origin=Origin.ASSIGNED,
        upstream_reference="LA-9",
        village=None,
        petitioners=[],
        anonymous=True,
    )
    assert Petition.objects.filter(upstream_reference="LA-9").count() == 2


def test_reading_back_status_deadline_reply_and_rating(api, desk_clerk, units, body, act, walk):
    client = api(desk_clerk)
    client.post(URL, body, format="json")
    petition = walk(Petition.objects.get(), State.REPLIED)
    act(Action.RATE, petition, None)
    data = client.get(f"{URL}{body['upstream_reference']}/").json()
    petition.refresh_from_db()
    assert data["state"] == State.CLOSED
    assert data["deadline"] == petition.handle_due.isoformat()
    assert (data["reply"]["outcome"], data["reply"]["text"]) == (petition.outcome, petition.reply_text)
    assert datetime.fromisoformat(data["reply"]["replied_at"]) == petition.replied_at
    assert data["rating"]["satisfaction"] == "satisfied"
    # No personal data beyond what the upstream sent: no petitioner at all in the answer.
    assert "petitioners" not in data and PHONE not in str(data) and "刘" not in str(data)


def test_a_reference_in_chinese_is_read_back(api, desk_clerk, units, body):
    client = api(desk_clerk)
    reference = "区信访〔2026〕118号"
    assert client.post(URL, {**body, "upstream_reference": reference}, format="json").status_code == 201
    assert client.get(f"{URL}{reference}/").json()["upstream_reference"] == reference


def test_an_unknown_reference_is_404(api, desk_clerk, units):
    response = api(desk_clerk).get(f"{URL}LA-NOPE/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_blank_reference_is_400_and_registers_nothing(api, desk_clerk, units, body):
    response = api(desk_clerk).post(URL, {**body, "upstream_reference": "   "}, format="json")
    assert response.status_code == 400
    assert "upstream_reference" in response.json()["error"]["fields"]
    assert not Petition.objects.exists()


def test_a_mediator_cannot_register_assignments(api, mediator_a, units, body):
    assert api(mediator_a).post(URL, body, format="json").status_code == 403
    assert not Petition.objects.exists()


def test_a_grid_worker_of_another_village_does_not_read_it(api, desk_clerk, grid_worker_b, units, body):
    api(desk_clerk).post(URL, body, format="json")
    assert api(grid_worker_b).get(f"{URL}{body['upstream_reference']}/").status_code == 404
    assert api(grid_worker_b).get(URL).json()["results"] == []
