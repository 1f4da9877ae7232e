"""Responsibility tracing (责任倒查), the case page's block of meetings and supervisions, and
the leader's page (包案领导)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services as acc
from accountability.states import SupervisionReason
from petitions import services as ps
from petitions.models import Petition
from petitions.states import Action, State
from tests.conftest import PERSONAS


def trace_url(petition):
    return reverse("accountability:responsibility", args=[petition.tracking_number])


def case_url(petition):
    return reverse("petitions:detail", args=[petition.tracking_number])


# --- Responsibility tracing ---------------------------------------------------------------------


def test_the_chain_shows_who_held_the_case_and_the_deadlines_missed(
    login, inspector, register, walk, act, handler, clock, today
):
    petition = walk(register(), State.HANDLING)  # assigned to 综治中心 today
    clock.set(today + timedelta(days=20))  # the written notice was due after 15 days
    act(Action.NOTIFY, petition, handler)
    html = login(inspector).get(trace_url(petition)).content.decode()
    assert html.count("data-holding=") == 2  # the desk, then 综治中心
    assert "综治中心" in html
    assert html.count("data-missed-deadline") == 1  # the notice, 5 days late
    assert 'data-missed="1"' in html


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in ("inspector", "leader")])
def test_only_inspectors_and_leaders_trace_responsibility(request, login, name, register):
    petition = register()
    assert login(request.getfixturevalue(name)).get(trace_url(petition)).status_code == 403


def test_a_leader_cannot_trace_an_accusation(login, leader, inspector, accusation):
    secret = accusation()
    assert login(leader).get(trace_url(secret)).status_code == 404
    assert login(inspector).get(trace_url(secret)).status_code == 200


def test_tracing_page_query_count_does_not_grow(
    login, inspector, register, walk, act, handler, desk_clerk, django_assert_num_queries
):
    petition = walk(register(), State.HANDLING)
    client = login(inspector)
    client.get(trace_url(petition))
    # user (the session is cached), petition, timeline, units, decisions, agenda items, supervisions
    with django_assert_num_queries(7):
        client.get(trace_url(petition))
    for _ in range(3):
        petition = ps.petition_add_note(petition=petition, actor=desk_clerk, text="催办")
    act(Action.NOTIFY, petition, handler)
    with django_assert_num_queries(7):
        client.get(trace_url(petition))


# --- The case page's block ----------------------------------------------------------------------


def test_the_case_page_lists_the_meetings_decisions_and_supervisions(
    login, desk_clerk, inspector, leader, register, units, plan, town, today
):
    petition = register(flags=ps.Flags(key_matter=True))
    meeting = plan()
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    acc.decision_record(
        item=item,
        actor=desk_clerk,
        resolution="综治中心牵头，20日内办结。",
        unit=units.zongzhi,
        leader=leader,
        deadline=today + timedelta(days=20),
    )
    acc.supervision_open(
        town=town,
        actor=inspector,
        petition=Petition.objects.get(pk=petition.pk),
        reason=SupervisionReason.DELAY,
        description="拖延",
        rectify_by=today + timedelta(days=5),
        listed=True,
    )
    clerk_html = login(desk_clerk).get(case_url(petition)).content.decode()
    assert 'data-case-decision="pending"' in clerk_html and "综治中心牵头，20日内办结。" in clerk_html
    assert "data-case-supervision" not in clerk_html  # the desk is not the supervised unit
    assert "data-trace" not in clerk_html
    inspector_html = login(inspector).get(case_url(petition)).content.decode()
    assert 'data-case-supervision="open"' in inspector_html and "data-trace" in inspector_html


def test_the_case_page_block_costs_two_queries_however_many_rows(login, desk_clerk, register, walk, plan):
    """The block adds the case's agenda items (with their meetings and decisions) and its
    supervisions to the case page's pinned count (tests/petitions/test_pages.py), and no more
    as rows are added."""
    petition = walk(register(), State.HANDLING)
    client = login(desk_clerk)
    client.get(case_url(petition))
    with CaptureQueriesContext(connection) as before:
        client.get(case_url(petition))
    for days in range(1, 4):
        meeting = plan(days=days)
        item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=petition)
        acc.meeting_hold(meeting=meeting, actor=desk_clerk)
        if days < 3:
            acc.decision_send_to_district(item=item, actor=desk_clerk, reason="需区级协调")
    with CaptureQueriesContext(connection) as after:
        html = client.get(case_url(petition)).content.decode()
    assert html.count("data-case-item=") == 3
    assert len(after) == len(before)
    ours = [q["sql"] for q in after.captured_queries if '"accountability_' in q["sql"]]
    assert len(ours) == 2


# --- The leader's page --------------------------------------------------------------------------


@pytest.fixture
def my_case(register, walk, leader):
    def _my_case(**kwargs):
        petition = walk(register(**kwargs), State.HANDLING)
        Petition.objects.filter(pk=petition.pk).update(responsible_leader=leader)
        return petition

    return _my_case


def test_the_leader_sees_the_cases_decisions_and_listed_supervisions(
    login, leader, desk_clerk, inspector, my_case, register, walk, units, plan, town, today
):
    mine = my_case()
    decided = walk(register(), State.HANDLING)
    not_mine = walk(register(), State.HANDLING)
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=decided)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="领导督促落实", unit=units.zongzhi, leader=leader, deadline=today
    )
    listed = acc.supervision_open(
        town=town,
        actor=inspector,
        unit=units.zongzhi,
        reason=SupervisionReason.SHIRKING,
        description="推诿",
        rectify_by=today + timedelta(days=3),
        listed=True,
    )
    html = login(leader).get(reverse("accountability:my_cases")).content.decode()
    assert f'data-my-case="{mine.tracking_number}"' in html
    assert f'data-my-case="{decided.tracking_number}"' in html  # the decision made him its responsible leader
    assert f'data-my-case="{not_mine.tracking_number}"' not in html
    assert "data-light=" in html
    assert f'data-decision-row="{decision.pk}"' in html and f'data-report="{decision.pk}"' in html
    assert f'data-listed-supervision="{listed.pk}"' in html


@pytest.mark.parametrize("name", [n for n in PERSONAS if n != "leader"])
def test_only_leaders_have_the_page(request, login, name):
    assert login(request.getfixturevalue(name)).get(reverse("accountability:my_cases")).status_code == 403


def test_leader_page_query_count_does_not_grow(login, leader, my_case, django_assert_num_queries):
    my_case()
    client = login(leader)
    url = reverse("accountability:my_cases")
    client.get(url)
    # user (the session is cached), count, page of cases, decisions, listed supervisions (and their scope)
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(4):
        my_case()
    with django_assert_num_queries(5):
        assert client.get(url).content.decode().count("data-my-case=") == 5
