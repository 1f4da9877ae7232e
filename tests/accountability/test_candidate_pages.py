"""The discipline committee's candidates page and the daily job that stores the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accountability.models import CandidateEntry, CandidateList
from accountability.services import candidate_list_build
from accountability.states import CandidateRule
from accountability.tasks import build_candidate_lists
from petitions.models import Petition
from petitions.states import State
from reports.models import JobRun
from tests.conftest import PERSONAS

URL = reverse("accountability:candidates")


@pytest.fixture
def overdue(register, walk, today):
    def _overdue(**kwargs):
        petition = walk(register(**kwargs), State.HANDLING, notified=True)
        Petition.objects.filter(pk=petition.pk).update(next_due=today - timedelta(days=1))
        return petition

    return _overdue


# --- The daily job ----------------------------------------------------------------------------


def test_the_job_stores_the_days_list_once(town, overdue, today):
    late = overdue()
    assert build_candidate_lists() == 1
    stored = CandidateList.objects.get()
    assert (stored.town, stored.day) == (town, today)
    assert list(stored.entries.values_list("rule", "petition_id")) == [(CandidateRule.OVERDUE, late.pk)]
    # A re-delivered or second run the same day changes nothing, even if the cases moved on.
    overdue()
    assert build_candidate_lists() == 1
    assert CandidateList.objects.count() == 1
    assert CandidateEntry.objects.count() == 1
    runs = JobRun.objects.filter(name="accountability.build_candidate_lists")
    assert runs.count() == 2 and all(run.ok for run in runs)


def test_a_list_for_a_given_day(town, overdue, today):
    overdue()
    build_candidate_lists(day_iso=(today + timedelta(days=1)).isoformat())
    assert CandidateList.objects.get().day == today + timedelta(days=1)


def test_decisions_not_carried_out_are_stored_per_decision(town, overdue, today, desk_clerk, plan, units):
    from accountability import services as acc

    petition = overdue()
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=petition)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    decision = acc.decision_record(
        item=item, actor=desk_clerk, resolution="限期办结", unit=units.zongzhi, deadline=meeting.date
    )
    acc.decision_mark_not_done(decision=decision, actor=desk_clerk, reason="未落实")
    stored = candidate_list_build(town=town, day=today)
    assert stored.entries.get(rule=CandidateRule.DECISION_NOT_DONE).decision == decision


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in ("inspector", "leader")])
def test_only_inspectors_and_leaders_see_the_candidates(request, login, name):
    assert login(request.getfixturevalue(name)).get(URL).status_code == 403


def test_before_the_job_the_page_computes_the_list_and_says_so(login, inspector, overdue):
    late = overdue()
    html = login(inspector).get(URL).content.decode()
    assert "data-live" in html
    assert f'data-candidate="{CandidateRule.OVERDUE}:{late.tracking_number}"' in html
    assert "data-supervise" in html


def test_the_page_shows_the_stored_list_and_what_is_new_since_yesterday(login, inspector, overdue, town, clock, today):
    old = overdue()
    candidate_list_build(town=town, day=today)
    clock.set(today + timedelta(days=1))
    new = overdue()
    candidate_list_build(town=town, day=today + timedelta(days=1))
    client = login(inspector)
    html = client.get(URL).content.decode()
    assert "data-built=" in html and "data-live" not in html
    assert html.count("data-new") == 1
    assert f'data-candidate="{CandidateRule.OVERDUE}:{new.tracking_number}"' in html
    assert f'data-candidate="{CandidateRule.OVERDUE}:{old.tracking_number}"' in html
    only_new = client.get(URL, {"new": "1"}).content.decode()
    assert new.tracking_number in only_new and old.tracking_number not in only_new
    # A case that dropped out after the list was built stays on today's stored list.
    Petition.objects.filter(pk=old.pk).update(next_due=today + timedelta(days=30))
    assert old.tracking_number in client.get(URL).content.decode()


def test_the_page_filters_by_rule(login, inspector, overdue, register, town, today):
    late = overdue()
    repeat = register(title="重复反映")
    Petition.objects.filter(pk=repeat.pk).update(is_repeat=True)
    candidate_list_build(town=town, day=today)
    html = login(inspector).get(URL, {"rule": CandidateRule.REPEAT}).content.decode()
    assert repeat.tracking_number in html and late.tracking_number not in html


def test_leaders_read_the_list_without_accusations_and_cannot_supervise(
    login, leader, inspector, overdue, accusation, walk, town, today
):
    plain = overdue()
    secret = walk(accusation(), State.HANDLING)
    Petition.objects.filter(pk=secret.pk).update(next_due=today - timedelta(days=3))
    candidate_list_build(town=town, day=today)
    html = login(leader).get(URL).content.decode()
    assert plain.tracking_number in html and secret.tracking_number not in html
    assert "data-supervise" not in html
    assert secret.tracking_number in login(inspector).get(URL).content.decode()


def test_candidates_page_query_count_does_not_grow(login, inspector, overdue, town, today, django_assert_num_queries):
    first = overdue()
    Petition.objects.filter(pk=first.pk).update(next_due=today - timedelta(days=5))  # late yesterday too
    candidate_list_build(town=town, day=today - timedelta(days=1))
    candidate_list_build(town=town, day=today)
    client = login(inspector)
    client.get(URL)
    # user (the session is cached), today's list, its entries, the list before, its keys
    with django_assert_num_queries(5):
        client.get(URL)
    CandidateList.objects.filter(day=today).delete()
    for _ in range(5):
        overdue()
    candidate_list_build(town=town, day=today)
    with django_assert_num_queries(5):
        html = client.get(URL).content.decode()
    assert html.count("data-candidate=") == 6 and html.count("data-new") == 5
