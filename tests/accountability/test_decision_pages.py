"""The decisions page: decisions tracked until carried out, filtered by status, unit and
leader; the responsible unit or leader marks each done or not done. And the minutes PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.models import Decision, Event
from accountability.states import DecisionState, EventKind
from petitions import services as ps

URL = reverse("accountability:decisions")


@pytest.fixture
def decide(plan, register, desk_clerk, units, today):
    """One held meeting per call, with one decision on a key matter."""
    count = {"n": 0}

    def _decide(*, unit=None, leader=None, days=20, title="道路破损"):
        count["n"] += 1
        meeting = plan(days=count["n"])
        item = acc.agenda_item_add(
            meeting=meeting, actor=desk_clerk, petition=register(title=title, flags=ps.Flags(key_matter=True))
        )
        acc.meeting_hold(meeting=meeting, actor=desk_clerk)
        return acc.decision_record(
            item=item,
            actor=desk_clerk,
            resolution=f"限期办结：{title}",
            unit=unit or units.zongzhi,
            leader=leader,
            deadline=meeting.date + timedelta(days=days),
        )

    return _decide


def rows(html) -> int:
    return html.count("data-decision-row=")


def test_the_page_filters_by_status_unit_and_leader(login, desk_clerk, leader, units, decide, clock, today):
    open_one = decide(leader=leader, title="路灯损坏")
    village = decide(unit=units.village_a, title="排水沟堵塞")
    done = decide(title="垃圾清运")
    acc.decision_mark_done(decision=done, actor=desk_clerk, note="已清运")
    client = login(desk_clerk)
    assert rows(client.get(URL).content.decode()) == 3
    assert rows(client.get(URL, {"status": "done"}).content.decode()) == 1
    html = client.get(URL, {"status": "open"}).content.decode()
    assert f'data-decision-row="{open_one.pk}"' in html and f'data-decision-row="{done.pk}"' not in html
    html = client.get(URL, {"unit": units.village_a.pk}).content.decode()
    assert f'data-decision-row="{village.pk}"' in html and rows(html) == 1
    html = client.get(URL, {"leader": leader.pk}).content.decode()
    assert f'data-decision-row="{open_one.pk}"' in html and rows(html) == 1
    # Three weeks later the two open ones are overdue.
    clock.set(today + timedelta(days=40))
    client = login(desk_clerk)  # the session of 40 days ago has expired
    html = client.get(URL, {"status": "overdue"}).content.decode()
    assert rows(html) == 2 and "data-overdue" in html
    assert rows(client.get(URL, {"status": "open"}).content.decode()) == 0


def test_a_bad_filter_shows_nothing_rather_than_everything(login, desk_clerk, decide):
    decide()
    html = login(desk_clerk).get(URL, {"unit": "not-a-unit"}).content.decode()
    assert rows(html) == 0


def test_the_responsible_unit_reports_a_decision_carried_out(login, handler, decide):
    decision = decide()
    client = login(handler)
    html = client.get(URL).content.decode()
    assert f'data-report="{decision.pk}"' in html
    response = client.post(
        reverse("accountability:decision_report", args=[decision.pk]),
        {"outcome": "done", "note": "已实地勘界并办结。", "next": URL},
    )
    assert response.status_code == 302 and response["Location"] == URL
    decision.refresh_from_db()
    assert (decision.state, decision.outcome_note) == (DecisionState.DONE, "已实地勘界并办结。")
    assert decision.carried_out_at is not None


def test_not_carried_out_needs_a_reason_and_changes_nothing_without_one(login, handler, decide):
    decision = decide()
    client = login(handler)
    client.cookies["django_language"] = "en"
    url = reverse("accountability:decision_report", args=[decision.pk])
    response = client.post(url, {"outcome": "not_done", "note": " "}, follow=True)
    assert "Say why the decision was not carried out." in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.PENDING
    assert not Event.objects.filter(kind=EventKind.DECISION_NOT_DONE).exists()
    client.post(url, {"outcome": "not_done", "note": "涉及区级部门职能。"})
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.NOT_DONE


def test_a_decision_is_reported_once(login, handler, decide):
    decision = decide()
    client = login(handler)
    client.cookies["django_language"] = "en"
    url = reverse("accountability:decision_report", args=[decision.pk])
    client.post(url, {"outcome": "done"})
    response = client.post(url, {"outcome": "not_done", "note": "再报"}, follow=True)
    assert "no longer being carried out" in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.DONE


def test_an_unsafe_next_address_is_ignored(login, handler, decide):
    decision = decide()
    response = login(handler).post(
        reverse("accountability:decision_report", args=[decision.pk]),
        {"outcome": "done", "next": "https://evil.example/"},
    )
    assert response["Location"] == URL


@pytest.mark.parametrize("name", ["grid_worker_a", "village_agent_a", "mediator_a"])
def test_staff_outside_the_unit_neither_see_nor_report(request, login, name, decide):
    decision = decide()
    client = login(request.getfixturevalue(name))
    assert rows(client.get(URL).content.decode()) == 0
    response = client.post(reverse("accountability:decision_report", args=[decision.pk]), {"outcome": "done"})
    assert response.status_code == 404
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.PENDING


def test_the_village_unit_sees_and_reports_its_decisions(login, village_agent_a, units, decide):
    mine = decide(unit=units.village_a)
    other = decide()
    client = login(village_agent_a)
    html = client.get(URL).content.decode()
    assert f'data-decision-row="{mine.pk}"' in html and f'data-decision-row="{other.pk}"' not in html
    client.post(reverse("accountability:decision_report", args=[mine.pk]), {"outcome": "done"})
    assert Decision.objects.get(pk=mine.pk).state == DecisionState.DONE


def test_an_inspector_reads_the_decisions_but_does_not_report(login, inspector, decide):
    decision = decide()
    client = login(inspector)
    html = client.get(URL).content.decode()
    assert f'data-decision-row="{decision.pk}"' in html and "data-report=" not in html
    response = client.post(reverse("accountability:decision_report", args=[decision.pk]), {"outcome": "done"})
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.PENDING


def test_decisions_page_query_count_does_not_grow(login, handler, decide, django_assert_num_queries):
    decide()
    client = login(handler)
    client.get(URL)
    # user (the session is cached), the filter's unit and leader choices, count, page, the user's units
    with django_assert_num_queries(6):
        client.get(URL)
    for _ in range(4):
        decide()
    with django_assert_num_queries(6):
        assert rows(client.get(URL).content.decode()) == 5


# --- The minutes PDF ----------------------------------------------------------------------------


def test_minutes_are_not_printed_before_the_meeting(login, desk_clerk, plan):
    meeting = plan()
    assert login(desk_clerk).get(reverse("accountability:minutes_pdf", args=[meeting.pk])).status_code == 404


def test_minutes_of_another_town_staff_only(login, grid_worker_a, decide):
    decision = decide()
    url = reverse("accountability:minutes_pdf", args=[decision.item.meeting_id])
    assert login(grid_worker_a).get(url).status_code == 404


@pytest.mark.pdf
def test_the_minutes_pdf_in_chinese(login, desk_clerk, leader, inspector, units, decide):
    from pypdf import PdfReader

    decision = decide(leader=leader, title="村道破损影响通行")
    meeting = decision.item.meeting
    meeting.attendees.set([leader, desk_clerk, inspector])
    acc.meeting_close(meeting=meeting, actor=desk_clerk)
    response = login(desk_clerk).get(reverse("accountability:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data[:4] == b"%PDF"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    squeezed = "".join(text.split())
    for expected in (
        "东河口镇",
        "镇信访工作联席会议",
        "已结束",
        "陈书记",
        "王丽",
        "周纪",
        decision.item.petition.tracking_number,
        "村道破损影响通行",
        "秘书添加",
        "限期办结：村道破损影响通行",
        "综治中心",
    ):
        assert expected in squeezed, expected
