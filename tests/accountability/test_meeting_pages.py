"""The liaison meeting pages: the list, planning, the agenda from the proposals, holding the
meeting, decisions, sending on to the district, closing — and the escalation chain end to end
through the pages (village → town meeting → district meeting → decision → case updated)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.models import AgendaItem, Decision, Event, Meeting
from accountability.states import AgendaReason, DecisionState, Level, MeetingState
from petitions import services as ps
from petitions.models import Petition
from petitions.states import Action, State
from tests.conftest import PERSONAS

MANAGERS = ["desk_clerk", "leader", "administrator"]
READERS = [*MANAGERS, "inspector"]
OUTSIDERS = [name for name in PERSONAS if name not in READERS]


def escalated(register, walk, act, village_agent_a, **kwargs):
    return act(Action.ESCALATE, walk(register(**kwargs), State.HANDLING, via="village"), village_agent_a)


def meeting_url(meeting, name="accountability:meeting", *args):
    return reverse(name, args=[meeting.pk, *args])


@pytest.fixture
def held_item(register, walk, act, plan, desk_clerk, village_agent_a):
    """A held town meeting with one escalated case on its agenda."""
    escalated(register, walk, act, village_agent_a)
    meeting = plan()
    [item] = acc.agenda_propose(meeting=meeting, actor=desk_clerk)
    acc.meeting_hold(meeting=meeting, actor=desk_clerk)
    return item


# --- The list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_town_staff_see_the_meetings_with_their_counts(request, login, name, plan, held_item, units, today):
    planned = plan(days=10)
    acc.decision_record(
        item=held_item,
        actor=request.getfixturevalue("desk_clerk"),
        resolution="限期办结",
        unit=units.zongzhi,
        deadline=today + timedelta(days=20),
    )
    html = login(request.getfixturevalue(name)).get(reverse("accountability:meetings")).content.decode()
    assert f'data-meeting="{planned.pk}"' in html and f'data-meeting="{held_item.meeting_id}"' in html
    assert "data-open-decisions" in html
    assert ("data-plan" in html) == (name in MANAGERS)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_others_see_only_the_meetings_they_attend(request, login, name, plan):
    user = request.getfixturevalue(name)
    attended = plan(attendees=[user])
    other = plan(days=5)
    html = login(user).get(reverse("accountability:meetings")).content.decode()
    assert f'data-meeting="{attended.pk}"' in html
    assert f'data-meeting="{other.pk}"' not in html
    assert login(user).get(meeting_url(other)).status_code == 404
    assert login(user).get(meeting_url(attended)).status_code == 200


def test_the_list_filters_by_level(login, desk_clerk, plan):
    town = plan()
    district = plan(level=Level.DISTRICT, days=7)
    html = login(desk_clerk).get(reverse("accountability:meetings"), {"level": Level.DISTRICT}).content.decode()
    assert f'data-meeting="{district.pk}"' in html and f'data-meeting="{town.pk}"' not in html


def test_meeting_list_query_count_does_not_grow(
    login, desk_clerk, plan, held_item, register, walk, act, village_agent_a, django_assert_num_queries
):
    client = login(desk_clerk)
    url = reverse("accountability:meetings")
    client.get(url)
    # user (the session is cached), planned meetings, count and page of the held ones
    with django_assert_num_queries(4):
        client.get(url)
    for days in range(4, 9):
        meeting = plan(days=days)
        acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    with django_assert_num_queries(4):
        assert client.get(url).content.decode().count("data-meeting=") == 6


# --- Planning -----------------------------------------------------------------------------------


def plan_data(today, leader, desk_clerk, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "level": Level.TOWN,
        "date": (today + timedelta(days=7)).isoformat(),
        "chair": leader.pk,
        "secretary": desk_clerk.pk,
        "attendees": [leader.pk, desk_clerk.pk],
        "other_attendees": "区信访局联络员",
    }
    data.update(overrides)
    return data


def test_a_desk_clerk_plans_a_meeting(login, desk_clerk, leader, today, town):
    response = login(desk_clerk).post(reverse("accountability:meeting_new"), plan_data(today, leader, desk_clerk))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting_url(meeting)
    assert (meeting.level, meeting.chair, meeting.secretary, meeting.state) == (
        Level.TOWN,
        leader,
        desk_clerk,
        MeetingState.PLANNED,
    )
    assert set(meeting.attendees.all()) == {leader, desk_clerk}


def test_a_double_submitted_plan_makes_one_meeting(login, desk_clerk, leader, today):
    client = login(desk_clerk)
    data = plan_data(today, leader, desk_clerk)
    client.post(reverse("accountability:meeting_new"), data)
    second = client.post(reverse("accountability:meeting_new"), data)
    assert second.status_code == 302
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"date": "2026-03-01"}, "A meeting is planned for today or a later day."),
        ({"date": "not a date"}, ""),
        ({"level": "county"}, ""),
    ],
)
def test_bad_plans_change_nothing(login, desk_clerk, leader, today, overrides, message):
    client = login(desk_clerk)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accountability:meeting_new"), plan_data(today, leader, desk_clerk, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and not Event.objects.exists()


def test_a_second_meeting_the_same_day_is_refused_with_a_message(login, desk_clerk, leader, today, plan):
    plan(days=7)
    client = login(desk_clerk)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accountability:meeting_new"), plan_data(today, leader, desk_clerk))
    assert response.status_code == 400
    assert "already planned" in response.content.decode()
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("name", [n for n in PERSONAS if n not in MANAGERS])
def test_only_the_desk_and_leaders_plan_meetings(request, login, name, leader, desk_clerk, today):
    client = login(request.getfixturevalue(name))
    assert client.get(reverse("accountability:meeting_new")).status_code == 403
    assert client.post(reverse("accountability:meeting_new"), plan_data(today, leader, desk_clerk)).status_code == 403
    assert not Meeting.objects.exists()


# --- The agenda ---------------------------------------------------------------------------------


def test_the_secretary_adds_ticked_proposals_with_their_reasons(
    login, desk_clerk, plan, register, walk, act, village_agent_a
):
    first = escalated(register, walk, act, village_agent_a)
    second = register(flags=ps.Flags(key_matter=True))
    left_out = register(flags=ps.Flags(key_matter=True))
    meeting = plan()
    client = login(desk_clerk)
    html = client.get(meeting_url(meeting)).content.decode()
    for petition in (first, second, left_out):
        assert f'data-proposal="{petition.tracking_number}"' in html
    response = client.post(
        meeting_url(meeting, "accountability:agenda_proposals"), {"petitions": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    reasons = dict(meeting.items.values_list("petition_id", "reason"))
    assert reasons == {first.pk: AgendaReason.ESCALATED, second.pk: AgendaReason.KEY_MATTER}
    html = client.get(meeting_url(meeting)).content.decode()
    assert f'data-item="{first.tracking_number}"' in html
    assert f'data-proposal="{left_out.tracking_number}"' in html
    assert f'data-proposal="{first.tracking_number}"' not in html


def test_ticking_nothing_or_a_case_no_longer_proposed_changes_nothing(login, desk_clerk, plan, register):
    proposed = register(flags=ps.Flags(key_matter=True))
    plain = register()
    meeting = plan()
    client = login(desk_clerk)
    client.cookies["django_language"] = "en"
    url = meeting_url(meeting, "accountability:agenda_proposals")
    assert "Tick at least one proposed case." in client.post(url, {}).content.decode()
    response = client.post(url, {"petitions": [plain.pk]})
    assert response.status_code == 400
    response = client.post(url, {"petitions": [proposed.pk, plain.pk]})
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()
    assert list(proposed.timeline.values_list("action", flat=True)) == [Action.REGISTER]


def test_the_secretary_adds_a_case_by_tracking_number(login, desk_clerk, plan, register):
    petition = register()
    meeting = plan()
    response = login(desk_clerk).post(
        meeting_url(meeting, "accountability:agenda_add"),
        {"number": petition.tracking_number.lower(), "note": "群众反映强烈，提请会议研究。"},
    )
    assert response.status_code == 302
    item = meeting.items.get()
    assert (item.petition, item.reason, item.note) == (petition, AgendaReason.SECRETARY, "群众反映强烈，提请会议研究。")
    assert petition.timeline.order_by("-id").first().action == Action.REFER_MEETING


def test_an_unknown_or_hidden_number_adds_nothing(login, desk_clerk, plan, accusation):
    secret = accusation()
    meeting = plan()
    client = login(desk_clerk)
    client.cookies["django_language"] = "en"
    for number in ("DHK-2026-999999", secret.tracking_number):
        response = client.post(meeting_url(meeting, "accountability:agenda_add"), {"number": number})
        assert response.status_code == 400
        assert "No petition with this tracking number." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_an_item_is_removed_with_a_reason_and_the_agenda_reordered(login, desk_clerk, plan, register):
    meeting = plan()
    petitions = [register() for _ in range(3)]
    items = [acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=p) for p in petitions]
    client = login(desk_clerk)
    response = client.post(meeting_url(meeting, "accountability:agenda_move", items[2].pk), {"direction": "up"})
    assert response.status_code == 302
    assert list(meeting.items.order_by("order").values_list("pk", flat=True)) == [items[0].pk, items[2].pk, items[1].pk]
    # Without a reason nothing is removed.
    url = meeting_url(meeting, "accountability:agenda_remove", items[0].pk)
    assert client.post(url, {f"remove{items[0].pk}-reason": ""}).status_code == 400
    assert meeting.items.count() == 3
    assert client.post(url, {f"remove{items[0].pk}-reason": "诉求人已撤回"}).status_code == 302
    assert list(meeting.items.order_by("order").values_list("pk", flat=True)) == [items[2].pk, items[1].pk]
    assert Event.objects.get(kind="item_removed").note == "诉求人已撤回"


def test_an_inspector_reads_the_meeting_but_may_not_change_it(login, inspector, plan, register, desk_clerk):
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    client = login(inspector)
    html = client.get(meeting_url(meeting)).content.decode()
    assert f'data-item="{item.petition.tracking_number}"' in html and "data-hold" not in html
    assert client.post(meeting_url(meeting, "accountability:meeting_hold"), {"minutes": "x"}).status_code == 403
    move = meeting_url(meeting, "accountability:agenda_move", item.pk)
    assert client.post(move, {"direction": "up"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_an_item_of_another_meeting_is_404(login, desk_clerk, plan, register):
    meeting, other = plan(), plan(days=5)
    item = acc.agenda_item_add(meeting=other, actor=desk_clerk, petition=register())
    client = login(desk_clerk)
    assert client.get(meeting_url(meeting, "accountability:item", item.pk)).status_code == 404
    assert client.post(meeting_url(meeting, "accountability:agenda_remove", item.pk)).status_code == 404


def test_meeting_page_query_count_does_not_grow(login, desk_clerk, plan, register, django_assert_num_queries):
    meeting = plan()
    acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    register(flags=ps.Flags(key_matter=True))
    client = login(desk_clerk)
    url = meeting_url(meeting)
    client.get(url)
    # user (the session is cached), meeting, attendees, agenda, events, proposals
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(4):
        acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
        register(flags=ps.Flags(key_matter=True))
    with django_assert_num_queries(6):
        html = client.get(url).content.decode()
    assert html.count("data-item=") == 5 and html.count("data-proposal=") == 5


# --- Holding, deciding, closing -----------------------------------------------------------------


def decision_data(units, leader, due, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "resolution": "综治中心牵头，会同村委会实地勘界。",
        "unit": units.zongzhi.pk,
        "leader": leader.pk,
        "deadline": due.isoformat(),
    }
    data.update(overrides)
    return data


def test_the_secretary_holds_the_meeting_and_records_a_decision(login, desk_clerk, leader, units, held_item, today):
    client = login(desk_clerk)
    meeting = held_item.meeting
    html = client.get(meeting_url(meeting)).content.decode()
    assert f'data-decide="{held_item.petition.tracking_number}"' in html
    assert client.get(meeting_url(meeting, "accountability:item", held_item.pk)).status_code == 200
    deadline = today + timedelta(days=20)
    response = client.post(
        meeting_url(meeting, "accountability:item_decide", held_item.pk), decision_data(units, leader, deadline)
    )
    assert response.status_code == 302
    petition = Petition.objects.get(pk=held_item.petition_id)
    assert (petition.state, petition.unit, petition.responsible_leader, petition.report_due) == (
        State.HANDLING,
        units.zongzhi,
        leader,
        deadline,
    )
    assert Decision.objects.get().state == DecisionState.PENDING


@pytest.mark.parametrize(
    "overrides",
    [{"resolution": ""}, {"deadline": "2026-03-01"}, {"unit": ""}, {"unit": "999999"}],
)
def test_a_bad_decision_changes_nothing(login, desk_clerk, leader, units, held_item, today, overrides):
    petition = held_item.petition
    before = list(petition.timeline.values_list("pk", flat=True))
    response = login(desk_clerk).post(
        meeting_url(held_item.meeting, "accountability:item_decide", held_item.pk),
        decision_data(units, leader, today + timedelta(days=20), **overrides),
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()
    assert list(petition.timeline.values_list("pk", flat=True)) == before


def test_a_decision_before_the_meeting_is_held_is_refused(login, desk_clerk, leader, units, plan, register, today):
    meeting = plan()
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=register())
    client = login(desk_clerk)
    client.cookies["django_language"] = "en"
    response = client.post(
        meeting_url(meeting, "accountability:item_decide", item.pk), decision_data(units, leader, today)
    )
    assert response.status_code == 400
    assert "once the meeting is held" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_double_submitted_decision_is_recorded_once(login, desk_clerk, leader, units, held_item, today):
    client = login(desk_clerk)
    data = decision_data(units, leader, today + timedelta(days=20))
    url = meeting_url(held_item.meeting, "accountability:item_decide", held_item.pk)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Decision.objects.count() == 1
    assert held_item.petition.timeline.filter(action=Action.MEETING_DECISION).count() == 1


def test_closing_the_meeting(login, desk_clerk, held_item):
    client = login(desk_clerk)
    assert client.post(meeting_url(held_item.meeting, "accountability:meeting_close")).status_code == 302
    assert Meeting.objects.get(pk=held_item.meeting_id).state == MeetingState.CLOSED
    # Closed: nothing more to close.
    assert client.post(meeting_url(held_item.meeting, "accountability:meeting_close")).status_code == 400


def test_holding_twice_is_refused(login, desk_clerk, held_item):
    response = login(desk_clerk).post(meeting_url(held_item.meeting, "accountability:meeting_hold"), {"minutes": ""})
    assert response.status_code == 400


# --- The escalation chain, end to end -----------------------------------------------------------


def test_the_escalation_chain_through_the_pages(
    client, login, register, walk, units, today, desk_clerk, leader, village_agent_a, handler
):
    # The village cannot solve it: the village agent escalates it from the case page.
    petition = walk(register(), State.HANDLING, via="village")
    response = login(village_agent_a).post(
        reverse("petitions:act", args=[petition.tracking_number, Action.ESCALATE]),
        {"escalate-version": petition.version, "escalate-reason": "涉及跨村土地权属，村里无法协调。"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED

    # The desk plans the town meeting and puts the proposed case on its agenda.
    client = login(desk_clerk)
    client.post(reverse("accountability:meeting_new"), plan_data(today, leader, desk_clerk))
    town_meeting = Meeting.objects.get(level=Level.TOWN)
    client.post(meeting_url(town_meeting, "accountability:agenda_proposals"), {"petitions": [petition.pk]})
    item = town_meeting.items.get()
    assert item.reason == AgendaReason.ESCALATED

    # Held; the town cannot solve it: sent on. The district meeting is planned and takes it up.
    client.post(meeting_url(town_meeting, "accountability:meeting_hold"), {"minutes": "研究提级事项1件。"})
    response = client.post(
        meeting_url(town_meeting, "accountability:item_send_on", item.pk),
        {"client_token": str(uuid.uuid4()), "reason": "镇级无法解决，需区级兜底化解。"},
    )
    assert response.status_code == 302
    client.post(
        reverse("accountability:meeting_new"),
        plan_data(today, leader, desk_clerk, level=Level.DISTRICT, date=(today + timedelta(days=14)).isoformat()),
    )
    district = Meeting.objects.get(level=Level.DISTRICT)
    district_item = district.items.get()
    assert (district_item.petition, district_item.reason) == (petition, AgendaReason.FROM_TOWN)
    html = client.get(meeting_url(town_meeting)).content.decode()
    assert meeting_url(district) in html  # the town meeting shows where the case went

    # The district meeting decides; the case is updated and its page shows the decision.
    client.post(meeting_url(district, "accountability:meeting_hold"), {"minutes": "区联席会议研究。"})
    deadline = today + timedelta(days=45)
    response = client.post(
        meeting_url(district, "accountability:item_decide", district_item.pk),
        decision_data(units, leader, deadline, resolution="区联席会议协调区自然资源局处理。"),
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.unit, petition.responsible_leader, petition.report_due) == (
        State.HANDLING,
        units.zongzhi,
        leader,
        deadline,
    )
    assert list(petition.timeline.order_by("at", "id").values_list("action", flat=True))[-4:] == [
        Action.REFER_MEETING,
        Action.REFER_MEETING,
        Action.REFER_MEETING,
        Action.MEETING_DECISION,
    ]
    html = login(handler).get(reverse("petitions:detail", args=[petition.tracking_number])).content.decode()
    assert "区联席会议协调区自然资源局处理。" in html
    assert 'data-case-decision="sent_to_district"' in html and 'data-case-decision="pending"' in html
