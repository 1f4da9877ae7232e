"""Accusations (检举控告) reach the discipline inspectors only (Art. 30): a member of the
accused unit — and the desk, and leaders — see nothing of one on any page of this app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.services import candidate_list_build
from accountability.states import AccountabilityForm, SupervisionReason
from petitions.models import Petition
from petitions.states import State


@pytest.fixture
def secret_case(accusation, walk, units, inspector, handler, town, today):
    """An accusation against 综治中心 (the handler's unit), supervised and recorded."""
    petition = walk(accusation(title="反映综治中心干部吃拿卡要"), State.HANDLING)
    Petition.objects.filter(pk=petition.pk).update(next_due=today - timedelta(days=2), is_repeat=True)
    supervision = acc.supervision_open(
        town=town,
        actor=inspector,
        petition=petition,
        unit=units.zongzhi,
        reason=SupervisionReason.FALSE_REPORTING,
        description="核查举报线索：弄虚作假",
        rectify_by=today + timedelta(days=10),
        listed=True,
    )
    record = acc.accountability_record_add(
        town=town,
        actor=inspector,
        person=handler,
        form=AccountabilityForm.ADMONITION_TALK,
        reason="经核查属实，予以诫勉谈话",
        decided_on=today,
        petitions=[petition],
        supervision=supervision,
    )
    candidate_list_build(town=town, day=today)
    return petition, supervision, record


LISTS = ["accountability:supervisions", "accountability:meetings", "accountability:decisions"]


@pytest.mark.parametrize("name", ["handler", "desk_clerk", "leader", "administrator", "village_agent_a"])
def test_nobody_but_inspectors_sees_anything_of_an_accusation(request, login, name, secret_case):
    petition, supervision, record = secret_case
    client = login(request.getfixturevalue(name))
    for url in map(reverse, LISTS):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert petition.tracking_number not in html, url
        assert f'data-supervision="{supervision.pk}"' not in html, url
    for url in (
        reverse("accountability:supervision", args=[supervision.pk]),
        reverse("accountability:supervision_reply", args=[supervision.pk]),
        reverse("accountability:supervision_close", args=[supervision.pk]),
    ):
        method = client.get if url.endswith(f"/{supervision.pk}/") else client.post
        assert method(url).status_code == 404, url
    for url in (reverse("accountability:candidates"), reverse("accountability:records")):
        response = client.get(url)
        assert response.status_code in (200, 403)
        assert petition.tracking_number not in response.content.decode()
        assert f'data-record="{record.pk}"' not in response.content.decode()
    assert client.get(reverse("accountability:responsibility", args=[petition.tracking_number])).status_code in (
        403,
        404,
    )


def test_the_handler_of_the_accused_unit_is_not_even_notified(secret_case, handler):
    assert not handler.notifications.exists()


def test_inspectors_see_it_everywhere(login, inspector, secret_case):
    petition, supervision, record = secret_case
    client = login(inspector)
    assert f'data-supervision="{supervision.pk}"' in client.get(reverse("accountability:supervisions")).content.decode()
    assert client.get(reverse("accountability:supervision", args=[supervision.pk])).status_code == 200
    assert petition.tracking_number in client.get(reverse("accountability:candidates")).content.decode()
    assert f'data-record="{record.pk}"' in client.get(reverse("accountability:records")).content.decode()
    html = client.get(reverse("accountability:responsibility", args=[petition.tracking_number])).content.decode()
    assert 'data-case-supervision="open"' in html
