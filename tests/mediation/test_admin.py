"""The admin keeps rooms and members; cases, agreements and their history are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediation.states import State
from tests.petitions.conftest import OTHER_ID


@pytest.fixture
def agreed(new_case, walk):
    return walk(new_case(), State.AGREED)


@pytest.mark.parametrize("model", ["mediationroom", "roommember", "mediationcase", "agreement"])
def test_administrator_opens_every_list(model, login, administrator, agreed):
    response = login(administrator).get(reverse(f"admin:mediation_{model}_changelist"))
    assert response.status_code == 200


def test_case_page_is_read_only_and_masks_the_parties(login, administrator, agreed):
    client = login(administrator)
    response = client.get(reverse("admin:mediation_mediationcase_change", args=[agreed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "欧阳**" in html and "136****1111" in html
    assert "13600001111" not in html and OTHER_ID not in html
    assert client.get(reverse("admin:mediation_mediationcase_add")).status_code == 403


def test_room_page_shows_its_members(login, administrator, rooms, members_a):
    response = login(administrator).get(reverse("admin:mediation_mediationroom_change", args=[rooms.a.pk]))
    assert response.status_code == 200
    assert "王秀兰" in response.content.decode()
