"""Supervision (督办) and accountability record (问责) pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.models import AccountabilityRecord, Event, Supervision
from accountability.states import AccountabilityForm, SupervisionReason, SupervisionState
from petitions.states import State
from tests.conftest import PERSONAS

LIST = reverse("accountability:supervisions")
NEW = reverse("accountability:supervision_new")
RECORDS = reverse("accountability:records")
RECORD_NEW = reverse("accountability:record_new")


@pytest.fixture
def supervise(town, inspector, today):
    def _supervise(**kwargs):
        kwargs.setdefault("reason", SupervisionReason.DELAY)
        kwargs.setdefault("description", "逾期未答复，未说明理由。")
        kwargs.setdefault("rectify_by", today + timedelta(days=7))
        return acc.supervision_open(town=town, actor=inspector, **kwargs)

    return _supervise


def open_data(today, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "petition": "",
        "unit": "",
        "reason": SupervisionReason.PERFUNCTORY,
        "description": "答复内容与诉求不符，敷衍塞责。",
        "rectify_by": (today + timedelta(days=5)).isoformat(),
        "listed": "on",
    }
    data.update(overrides)
    return data


# --- Opening ------------------------------------------------------------------------------------


def test_an_inspector_opens_a_listed_supervision_on_a_case(login, inspector, register, walk, units, today):
    petition = walk(register(), State.HANDLING)
    client = login(inspector)
    form = client.get(NEW, {"petition": petition.tracking_number}).content.decode()
    assert petition.tracking_number in form  # offered from the candidates list
    response = client.post(NEW, open_data(today, petition=petition.tracking_number))
    supervision = Supervision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accountability:supervision", args=[supervision.pk]
    )
    assert (supervision.petition, supervision.unit, supervision.listed, supervision.reason) == (
        petition,
        units.zongzhi,
        True,
        SupervisionReason.PERFUNCTORY,
    )


def test_an_inspector_supervises_a_unit_as_a_whole(login, inspector, units, today):
    login(inspector).post(NEW, open_data(today, unit=units.village_a.pk, listed=""))
    supervision = Supervision.objects.get()
    assert (supervision.petition, supervision.unit, supervision.listed) == (None, units.village_a, False)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({}, "Give a case or choose the supervised unit."),
        ({"petition": "DHK-2026-999999"}, "No petition with this tracking number."),
        ({"unit": "1", "reason": "bullying"}, ""),
        ({"unit": "1", "description": ""}, ""),
        ({"unit": "1", "rectify_by": "2026-03-01"}, "The deadline cannot be in the past."),
    ],
)
def test_bad_input_opens_nothing(login, inspector, units, today, overrides, message):
    client = login(inspector)
    client.cookies["django_language"] = "en"
    if overrides.get("unit") == "1":
        overrides["unit"] = units.zongzhi.pk
    response = client.post(NEW, open_data(today, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Supervision.objects.exists() and not Event.objects.exists()


def test_a_case_without_a_unit_needs_one_chosen(login, inspector, register, today):
    petition = register()
    client = login(inspector)
    client.cookies["django_language"] = "en"
    response = client.post(NEW, open_data(today, petition=petition.tracking_number))
    assert response.status_code == 400 and "choose the supervised unit" in response.content.decode()
    assert not Supervision.objects.exists()


def test_a_double_submit_opens_one_supervision(login, inspector, units, today):
    client = login(inspector)
    data = open_data(today, unit=units.zongzhi.pk)
    client.post(NEW, data)
    client.post(NEW, data)
    assert Supervision.objects.count() == 1


@pytest.mark.parametrize("name", [n for n in PERSONAS if n != "inspector"])
def test_only_inspectors_open_supervisions(request, login, name, units, today):
    client = login(request.getfixturevalue(name))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, open_data(today, unit=units.zongzhi.pk)).status_code == 403
    assert not Supervision.objects.exists()


# --- The list and one supervision ---------------------------------------------------------------


def test_the_list_puts_open_listed_supervisions_first_and_filters_by_state(login, inspector, supervise, units):
    plain = supervise(unit=units.village_a)
    listed = supervise(unit=units.zongzhi, listed=True)
    closed = supervise(unit=units.reception, listed=True)
    acc.supervision_close(supervision=closed, actor=Supervision.objects.get(pk=closed.pk).opened_by, result="已整改")
    client = login(inspector)
    html = client.get(LIST).content.decode()
    order = [html.index(f'data-supervision="{s.pk}"') for s in (listed, plain, closed)]
    assert order == sorted(order)
    html = client.get(LIST, {"state": SupervisionState.CLOSED}).content.decode()
    assert f'data-supervision="{closed.pk}"' in html and f'data-supervision="{plain.pk}"' not in html


def test_the_supervised_unit_replies_and_the_inspector_records_the_result(login, handler, inspector, supervise, units):
    supervision = supervise(unit=units.zongzhi)
    client = login(handler)
    assert f'data-supervision="{supervision.pk}"' in client.get(LIST).content.decode()
    page = client.get(reverse("accountability:supervision", args=[supervision.pk])).content.decode()
    assert "data-reply-form" in page and "data-close-form" not in page
    url = reverse("accountability:supervision_reply", args=[supervision.pk])
    assert client.post(url, {"text": ""}).status_code == 400
    assert Supervision.objects.get(pk=supervision.pk).state == SupervisionState.OPEN
    assert client.post(url, {"text": "已于3日内书面告知诉求人并加快办理。"}).status_code == 302
    supervision.refresh_from_db()
    assert (supervision.state, supervision.replied_by) == (SupervisionState.REPLIED, handler)

    client = login(inspector)
    page = client.get(reverse("accountability:supervision", args=[supervision.pk])).content.decode()
    assert "data-reply" in page and "data-close-form" in page
    url = reverse("accountability:supervision_close", args=[supervision.pk])
    assert client.post(url, {"result": " "}).status_code == 400
    assert client.post(url, {"result": "整改到位，予以销号。"}).status_code == 302
    supervision.refresh_from_db()
    assert (supervision.state, supervision.result) == (SupervisionState.CLOSED, "整改到位，予以销号。")


def test_another_unit_cannot_see_or_reply(login, handler, supervise, units):
    supervision = supervise(unit=units.village_a)
    client = login(handler)
    assert f'data-supervision="{supervision.pk}"' not in client.get(LIST).content.decode()
    assert client.get(reverse("accountability:supervision", args=[supervision.pk])).status_code == 404
    response = client.post(reverse("accountability:supervision_reply", args=[supervision.pk]), {"text": "x"})
    assert response.status_code == 404


def test_a_leader_reads_a_supervision_but_neither_replies_nor_closes(login, leader, supervise, units):
    supervision = supervise(unit=units.zongzhi)
    client = login(leader)
    page = client.get(reverse("accountability:supervision", args=[supervision.pk])).content.decode()
    assert "data-reply-form" not in page and "data-close-form" not in page
    reply = reverse("accountability:supervision_reply", args=[supervision.pk])
    close = reverse("accountability:supervision_close", args=[supervision.pk])
    assert client.post(reply, {"text": "x"}).status_code == 403
    assert client.post(close, {"result": "x"}).status_code == 403
    assert Supervision.objects.get(pk=supervision.pk).state == SupervisionState.OPEN


def test_supervision_list_query_count_does_not_grow(login, inspector, supervise, units, django_assert_num_queries):
    supervise(unit=units.zongzhi)
    client = login(inspector)
    client.get(LIST)
    # user (the session is cached), count, page
    with django_assert_num_queries(3):
        client.get(LIST)
    for _ in range(5):
        supervise(unit=units.village_a, listed=True)
    with django_assert_num_queries(3):
        assert client.get(LIST).content.decode().count("data-supervision=") == 6


def test_supervision_page_query_count_does_not_grow(
    login, handler, inspector, supervise, units, django_assert_num_queries
):
    supervision = supervise(unit=units.zongzhi)
    url = reverse("accountability:supervision", args=[supervision.pk])
    client = login(inspector)
    client.get(url)
    # user (the session is cached), supervision, events, records, and whether the inspector may reply (is
    # visible, is a member of the unit) while it is open
    with django_assert_num_queries(6):
        client.get(url)
    for i in range(3):
        acc.accountability_record_add(
            town=supervision.town,
            actor=inspector,
            person=handler,
            form=AccountabilityForm.REMINDER_TALK,
            reason=f"第{i}次",
            decided_on=supervision.opened_at.date(),
            supervision=supervision,
        )
    with django_assert_num_queries(6):
        client.get(url)
    acc.supervision_reply(supervision=supervision, actor=handler, text="已整改")
    client.get(url)
    with django_assert_num_queries(4):  # replied: no reply form to decide on
        client.get(url)


# --- Accountability records ---------------------------------------------------------------------


def record_data(person, today, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "person": person.pk,
        "form": AccountabilityForm.ADMONITION_TALK,
        "reason": "逾期未办结，经督办仍未整改。",
        "petitions": "",
        "supervision": "",
        "decided_on": today.isoformat(),
    }
    data.update(overrides)
    return data


def test_an_inspector_records_accountability_with_linked_cases(
    login, inspector, handler, supervise, register, units, today
):
    first, second = register(), register()
    supervision = supervise(unit=units.zongzhi)
    client = login(inspector)
    assert client.get(RECORD_NEW, {"supervision": supervision.pk}).status_code == 200
    response = client.post(
        RECORD_NEW,
        record_data(
            handler,
            today,
            petitions=f"{first.tracking_number.lower()}， {second.tracking_number}",
            supervision=supervision.pk,
        ),
    )
    assert response.status_code == 302
    record = AccountabilityRecord.objects.get()
    assert (record.person, record.form) == (handler, AccountabilityForm.ADMONITION_TALK)
    assert record.supervision == supervision
    assert set(record.petitions.all()) == {first, second}
    html = client.get(RECORDS).content.decode()
    assert f'data-record="{record.pk}"' in html and first.tracking_number in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"petitions": "DHK-2026-999999"}, "No petition with this tracking number: DHK-2026-999999"),
        ({"reason": ""}, ""),
        ({"form": "shaming"}, ""),
        ({"decided_on": "2026-12-31"}, "The decision date cannot be in the future."),
    ],
)
def test_bad_records_change_nothing(login, inspector, handler, today, overrides, message):
    client = login(inspector)
    client.cookies["django_language"] = "en"
    response = client.post(RECORD_NEW, record_data(handler, today, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccountabilityRecord.objects.exists()


@pytest.mark.parametrize("name", [n for n in PERSONAS if n != "inspector"])
def test_only_inspectors_record_accountability(request, login, name, handler, today):
    client = login(request.getfixturevalue(name))
    assert client.get(RECORD_NEW).status_code == 403
    assert client.post(RECORD_NEW, record_data(handler, today)).status_code == 403
    assert not AccountabilityRecord.objects.exists()


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in ("inspector", "leader")])
def test_only_inspectors_and_leaders_read_the_records(request, login, name):
    assert login(request.getfixturevalue(name)).get(RECORDS).status_code == 403


def test_records_list_query_count_does_not_grow(
    login, leader, inspector, handler, register, town, today, django_assert_num_queries
):
    def add():
        acc.accountability_record_add(
            town=town,
            actor=inspector,
            person=handler,
            form=AccountabilityForm.REMINDER_TALK,
            reason="逾期",
            decided_on=today,
            petitions=[register()],
        )

    add()
    client = login(leader)
    client.get(RECORDS)
    # user (the session is cached), count, page, linked petitions
    with django_assert_num_queries(4):
        client.get(RECORDS)
    for _ in range(4):
        add()
    with django_assert_num_queries(4):
        assert client.get(RECORDS).content.decode().count("data-record=") == 5
