"""The mediation pages: the town overview, a room's page, registering a dispute, the case
page with its actions, and the agreement PDF."""

from __future__ import annotations

import io
import logging
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mediation.models import CaseEvent, MediationCase, MediationSession
from mediation.states import Action, Performance, Source, State
from tests.mediation.conftest import APPLICANT, RESPONDENT, TERMS_TEXT, add_member
from tests.petitions.conftest import OTHER_ID, PHONE, VALID_ID


def case_url(case) -> str:
    return reverse("mediation:case", args=[case.tracking_number])


def act_url(case, action) -> str:
    return reverse("mediation:act", args=[case.tracking_number, action])


def pdf_url(case) -> str:
    return reverse("mediation:agreement_pdf", args=[case.tracking_number])


@pytest.fixture
def case_b(new_case, rooms, members_b, desk_clerk) -> MediationCase:
    return new_case(room=rooms.b, actor=desk_clerk, mediators=members_b[:1])


# --- The overview ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["desk_clerk", "leader", "administrator", "inspector"])
def test_town_staff_see_the_overview_of_every_room(request, login, persona, rooms, new_case, walk, case_b):
    walk(new_case(), State.AGREED)
    html = login(request.getfixturevalue(persona)).get(reverse("mediation:overview")).content.decode()
    assert f'data-room="{rooms.a.pk}"' in html and f'data-room="{rooms.b.pk}"' in html
    assert rooms.a.name in html and rooms.b.name in html
    assert 'data-total="cases">2<' in html
    assert 'data-total="success_rate">100%<' in html  # one concluded case, agreed


def test_overview_lists_agreements_awaiting_confirmation_and_broken(login, leader, new_case, walk, act, mediator_a):
    waiting = walk(new_case(), State.AGREED)
    broken = walk(new_case(summary="欠款纠纷"), State.AGREED)
    act("follow_up", broken, mediator_a, performance=Performance.BROKEN)
    html = login(leader).get(reverse("mediation:overview")).content.decode()
    awaiting_part = html.split('id="awaiting"')[1].split('id="broken"')[0]
    broken_part = html.split('id="broken"')[1]
    assert waiting.tracking_number in awaiting_part and broken.tracking_number in awaiting_part
    assert broken.tracking_number in broken_part and waiting.tracking_number not in broken_part


def test_mediator_goes_straight_to_their_room(login, mediator_a, rooms, members_a):
    response = login(mediator_a).get(reverse("mediation:overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mediation:room", args=[rooms.a.pk])


def test_handler_has_no_overview(login, handler, rooms):
    assert login(handler).get(reverse("mediation:overview")).status_code == 403


def test_overview_asks_for_login(client, rooms):
    response = client.get(reverse("mediation:overview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_query_count_does_not_grow(login, leader, new_case, walk, django_assert_num_queries):
    client = login(leader)
    walk(new_case(), State.AGREED)
    client.get(reverse("mediation:overview"))
    # user (the session is cached), figures per room, durations, rooms, awaiting (page, count), broken (page, count)
    with django_assert_num_queries(8):
        client.get(reverse("mediation:overview"))
    for i in range(4):
        walk(new_case(summary=f"纠纷{i}"), State.AGREED)
    with django_assert_num_queries(8):
        client.get(reverse("mediation:overview"))


# --- A room's page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mediator_a", "desk_clerk", "leader", "grid_worker_a", "inspector"])
def test_room_page_shows_members_and_register(request, login, persona, rooms, members_a, new_case):
    case = new_case()
    html = login(request.getfixturevalue(persona)).get(reverse("mediation:room", args=[rooms.a.pk])).content.decode()
    assert "孙德" in html and "王秀兰" in html
    assert "主持调解室日常工作" in html and "随时接待、公正调解" in html  # duty and commitment
    assert "139****5678" in html and "13912345678" not in html  # the member's phone masked
    assert case.tracking_number in html
    assert APPLICANT not in html and "刘*" in html


@pytest.mark.parametrize("persona", ["mediator_a", "grid_worker_a", "village_agent_a", "handler"])
def test_room_of_another_village_is_404(request, login, persona, rooms, members_b):
    response = login(request.getfixturevalue(persona)).get(reverse("mediation:room", args=[rooms.b.pk]))
    assert response.status_code == 404


def test_room_page_warns_about_composition(login, leader, rooms, members_b):
    html = login(leader).get(reverse("mediation:room", args=[rooms.b.pk])).content.decode()
    assert "data-warning" not in html
    html = login(leader).get(reverse("mediation:room", args=[rooms.a.pk])).content.decode()
    assert html.count("data-warning") >= 2  # no members, no chair, no woman


def test_room_register_is_newest_first_and_paginated(login, mediator_a, rooms, new_case, clock):
    start = timezone.localdate() - timedelta(days=40)
    numbers = []
    for i in range(27):
        clock.set(start + timedelta(days=i))
        numbers.append(new_case(summary=f"纠纷{i}").tracking_number)
    clock.stop()
    client = login(mediator_a)
    first = client.get(reverse("mediation:room", args=[rooms.a.pk])).content.decode()
    found = re.findall(r'data-case="([^"]+)"', first)
    assert found[:2] == [numbers[-1], numbers[-2]] and len(found) == 25
    second = client.get(reverse("mediation:room", args=[rooms.a.pk]), {"page": 2}).content.decode()
    assert re.findall(r'data-case="([^"]+)"', second) == [numbers[1], numbers[0]]


def test_room_page_query_count_does_not_grow(login, mediator_a, rooms, members_a, new_case, django_assert_num_queries):
    client = login(mediator_a)
    new_case()
    url = reverse("mediation:room", args=[rooms.a.pk])
    client.get(url)
    # user (the session is cached), room, members, composition warnings, count, page, the page's parties
    with django_assert_num_queries(7):
        client.get(url)
    for i in range(30):
        new_case(summary=f"纠纷{i}")
    add_member(rooms.a, "赵新")
    with django_assert_num_queries(7):
        client.get(url)


# --- Registering a dispute ------------------------------------------------------------------


def case_data(**overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "source": Source.WALK_IN,
        "petition": "",
        "dispute_kind": "neighbours",
        "risk_level": "medium",
        "summary": "宅基地边界纠纷",
        "facts": "两户因宅基地边界发生争执。",
        "applicant_name": APPLICANT,
        "applicant_phone": "138 1234 1234",
        "applicant_id_number": VALID_ID,
        "applicant_address": "东河口村3组",
        "respondent_name": RESPONDENT,
        "respondent_phone": "",
        "respondent_id_number": "",
        "respondent_address": "",
        "invited_helpers": "",
    }
    data.update(overrides)
    return data


def new_url(room) -> str:
    return reverse("mediation:case_new") + f"?room={room.pk}"


def test_mediator_registers_a_dispute(login, mediator_a, rooms, members_a):
    client = login(mediator_a)
    page = client.get(new_url(rooms.a))
    assert page.status_code == 200 and "data-offline-form" in page.content.decode()
    response = client.post(new_url(rooms.a), case_data(mediators=[members_a[0].pk]))
    case = MediationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert (case.room, case.state, case.registered_by) == (rooms.a, State.REGISTERED, mediator_a)
    assert [p.name for p in case.parties.all()] == [APPLICANT, RESPONDENT]
    assert case.parties.first().phone == PHONE
    assert list(case.mediators.all()) == [members_a[0]]


def test_a_replayed_registration_registers_once(login, mediator_a, rooms, members_a):
    client = login(mediator_a)
    data = case_data()
    first = client.post(new_url(rooms.a), data)
    second = client.post(new_url(rooms.a), data)
    assert MediationCase.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_dispute_from_a_petition_names_it(login, desk_clerk, rooms, members_a, register, units):
    petition = register()
    client = login(desk_clerk)
    response = client.post(new_url(rooms.a), case_data(source=Source.PETITION))
    assert response.status_code == 200 and not MediationCase.objects.exists()
    response = client.post(new_url(rooms.a), case_data(source=Source.PETITION, petition="DHK-0000-999999"))
    assert response.status_code == 200 and not MediationCase.objects.exists()
    response = client.post(new_url(rooms.a), case_data(source=Source.PETITION, petition=petition.tracking_number))
    assert response.status_code == 302
    assert MediationCase.objects.get().petition == petition


def test_bad_id_number_keeps_what_was_typed(login, mediator_a, rooms, members_a):
    response = login(mediator_a).post(new_url(rooms.a), case_data(applicant_id_number="110105194912310021"))
    assert response.status_code == 200
    assert "宅基地边界纠纷" in response.content.decode()
    assert not MediationCase.objects.exists()


@pytest.mark.parametrize("persona", ["mediator_a", "grid_worker_a"])
def test_registering_in_another_villages_room_is_404(request, login, persona, rooms, members_b):
    client = login(request.getfixturevalue(persona))
    assert client.get(new_url(rooms.b)).status_code == 404
    assert client.post(new_url(rooms.b), case_data()).status_code == 404
    assert not MediationCase.objects.exists()


def test_inspector_may_not_register(login, inspector, rooms):
    assert login(inspector).get(new_url(rooms.a)).status_code == 403


# --- The case page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["mediator_a", "desk_clerk", "leader", "grid_worker_a", "inspector", "administrator"]
)
def test_case_page_masks_the_parties(request, login, persona, new_case):
    case = new_case()
    response = login(request.getfixturevalue(persona)).get(case_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert case.summary in html
    parties = html.split('id="parties"')[1]
    assert "刘*" in parties and "欧阳**" in parties and "138****1234" in parties
    assert APPLICANT not in parties and RESPONDENT not in parties
    for secret in (PHONE, VALID_ID, OTHER_ID):
        assert secret not in html


@pytest.mark.parametrize("persona", ["mediator_a", "grid_worker_a", "village_agent_a", "handler"])
def test_case_outside_scope_is_404(request, login, persona, case_b):
    client = login(request.getfixturevalue(persona))
    assert client.get(case_url(case_b)).status_code == 404
    assert client.post(act_url(case_b, Action.NOTE), {"note-text": "x", "note-version": 1}).status_code == 404
    assert client.get(pdf_url(case_b)).status_code == 404


def actions_on(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def test_case_page_offers_exactly_what_each_user_may_do(
    login, mediator_a, desk_clerk, grid_worker_a, inspector, new_case
):
    case = new_case()
    url = case_url(case)
    assert actions_on(login(mediator_a).get(url).content.decode()) == {
        Action.SESSION,
        Action.WITHDRAW,
        Action.ASSIGN,
        Action.FLAG_POLICE,
        Action.NOTE,
    }
    assert actions_on(login(desk_clerk).get(url).content.decode()) == {Action.WITHDRAW, Action.FLAG_POLICE, Action.NOTE}
    assert actions_on(login(grid_worker_a).get(url).content.decode()) == {Action.FLAG_POLICE, Action.NOTE}
    assert actions_on(login(inspector).get(url).content.decode()) == set()


def test_actions_follow_the_state(login, mediator_a, desk_clerk, new_case, walk, petition_case, act):
    client = login(mediator_a)
    in_mediation = walk(new_case(), State.IN_MEDIATION)
    assert actions_on(client.get(case_url(in_mediation)).content.decode()) == {
        Action.SESSION,
        Action.AGREE,
        Action.FAIL,
        Action.WITHDRAW,
        Action.ASSIGN,
        Action.FLAG_POLICE,
        Action.NOTE,
    }
    agreed = walk(new_case(), State.AGREED)
    assert actions_on(client.get(case_url(agreed)).content.decode()) == {
        Action.FOLLOW_UP,
        Action.COURT_APPLY,
        Action.NOTE,
    }
    agreed = act("court_apply", agreed, mediator_a)
    assert actions_on(client.get(case_url(agreed)).content.decode()) == {
        Action.FOLLOW_UP,
        Action.COURT_RESULT,
        Action.NOTE,
    }
    failed = walk(new_case(), State.FAILED)
    assert Action.RETURN_TO_DESK not in actions_on(client.get(case_url(failed)).content.decode())
    from_petition = walk(petition_case(), State.FAILED)
    assert {Action.RETURN_TO_DESK, Action.REFER} <= actions_on(client.get(case_url(from_petition)).content.decode())


def test_case_page_shows_sessions_agreement_deadline_and_history(login, mediator_a, new_case, walk):
    case = walk(new_case(), State.AGREED)
    html = login(mediator_a).get(case_url(case)).content.decode()
    assert "双方陈述地界争议" in html  # the session's record
    for text in TERMS_TEXT:
        assert text in html
    due = case.agreement.judicial_confirmation_due.isoformat()
    assert f'data-confirmation-due="{due}"' in html
    assert html.count("data-event=") == 3  # registered, session, agreement
    full_url = reverse("mediation:agreement_pdf_full", args=[case.tracking_number])
    assert f'href="{pdf_url(case)}"' in html and f'action="{full_url}"' in html


def test_case_page_query_count_does_not_grow(login, mediator_a, new_case, walk, act, django_assert_num_queries):
    case = walk(new_case(), State.IN_MEDIATION)
    client = login(mediator_a)
    url = case_url(case)
    client.get(url)
    # user (the session is cached), scope check, case with its relations, parties, mediators, sessions,
    # history, the assign form's members
    with django_assert_num_queries(8):
        client.get(url)
    for i in range(4):
        case = act("session", case, mediator_a, record=f"第{i}次调解")
        case = act("note", case, mediator_a, text=f"备注{i}")
    with django_assert_num_queries(8):
        client.get(url)


def test_agreed_case_page_query_count_does_not_grow(login, mediator_a, new_case, walk, act, django_assert_num_queries):
    case = walk(new_case(), State.AGREED)
    client = login(mediator_a)
    url = case_url(case)
    client.get(url)
    # as above without the assign form, plus the agreement's undertakings
    with django_assert_num_queries(8):
        client.get(url)
    for _ in range(3):
        case = act("follow_up", case, mediator_a)
    with django_assert_num_queries(8):
        client.get(url)


# --- Actions through the page ---------------------------------------------------------------


def session_data(case, **overrides):
    data = {
        "session-version": case.version,
        "session-client_token": str(uuid.uuid4()),
        "session-held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "session-place": "村委会调解室",
        "session-present": "刘芳、欧阳建国、孙德",
        "session-record": "双方同意各退一步。",
        "session-agreed": "",
    }
    data.update(overrides)
    return data


def test_mediator_records_a_session_and_an_agreement(login, mediator_a, new_case):
    case = new_case()
    client = login(mediator_a)
    response = client.post(act_url(case, Action.SESSION), session_data(case))
    assert response.status_code == 302 and response["Location"] == case_url(case)
    case.refresh_from_db()
    assert case.state == State.IN_MEDIATION
    applicant, respondent = case.parties.all()
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        act_url(case, Action.AGREE),
        {
            "agree-version": case.version,
            "agree-client_token": str(uuid.uuid4()),
            "agree-facts": "院墙越界。",
            "agree-performance_method": "现场拆除。",
            "agree-performance_deadline": due,
            "agree-term1_text": TERMS_TEXT[0],
            "agree-term1_party": respondent.pk,
            "agree-term1_due": due,
            "agree-term2_text": TERMS_TEXT[1],
            "agree-term2_party": applicant.pk,
            "agree-term2_due": "",
            "agree-term3_text": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.AGREED
    items = list(case.agreement.items.all())
    assert [(t.text, t.party) for t in items] == [(TERMS_TEXT[0], respondent), (TERMS_TEXT[1], applicant)]


def test_agreement_form_needs_an_undertaking(login, mediator_a, new_case, walk):
    case = walk(new_case(), State.IN_MEDIATION)
    response = login(mediator_a).post(
        act_url(case, Action.AGREE),
        {
            "agree-version": case.version,
            "agree-facts": "x",
            "agree-performance_method": "x",
            "agree-performance_deadline": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == State.IN_MEDIATION


def test_a_replayed_form_applies_once(login, mediator_a, new_case):
    case = new_case()
    client = login(mediator_a)
    data = session_data(case)
    first = client.post(act_url(case, Action.SESSION), data)
    second = client.post(act_url(case, Action.SESSION), data)  # the phone sends its copy again
    assert first.status_code == second.status_code == 302
    assert MediationSession.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action=Action.SESSION).count() == 1


def test_stale_form_is_refused_with_a_message(login, mediator_a, new_case, act):
    case = new_case()
    stale = case.version
    act("note", case, mediator_a, text="先到一步")
    response = login(mediator_a).post(act_url(case, Action.SESSION), session_data(case, **{"session-version": stale}))
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode() or "changed this case" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.REGISTERED


def test_role_may_not_conduct_the_mediation(login, desk_clerk, new_case):
    case = new_case()
    response = login(desk_clerk).post(act_url(case, Action.SESSION), session_data(case))
    assert response.status_code == 400
    assert not MediationSession.objects.exists()


def test_unknown_action_is_404(login, mediator_a, new_case):
    case = new_case()
    assert login(mediator_a).post(act_url(case, "explode")).status_code == 404


def test_failure_goes_back_to_the_desk(login, mediator_a, desk_clerk, petition_case, walk):
    case = walk(petition_case(), State.FAILED)
    response = login(desk_clerk).post(
        act_url(case, Action.RETURN_TO_DESK),
        {"return_to_desk-version": case.version, "return_to_desk-note": "请信访办答复"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RETURNED
    assert "请信访办答复" in case.petition.timeline.last().note


def test_a_party_ends_the_mediation(login, mediator_a, new_case):
    case = new_case()
    respondent = case.parties.last()
    response = login(mediator_a).post(
        act_url(case, Action.WITHDRAW),
        {"withdraw-version": case.version, "withdraw-party": respondent.pk, "withdraw-reason": "拒绝调解"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN and "拒绝调解" in case.outcome_note


def test_grid_worker_flags_to_the_police(login, grid_worker_a, new_case):
    case = new_case()
    response = login(grid_worker_a).post(
        act_url(case, Action.FLAG_POLICE), {"flag_police-version": case.version, "flag_police-reason": "扬言报复"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.police_flagged and case.state == State.REGISTERED
    assert 'data-action="flag_police"' not in login(grid_worker_a).get(case_url(case)).content.decode()


def test_follow_up_and_court_through_the_page(login, mediator_a, new_case, walk):
    case = walk(new_case(), State.AGREED)
    term = case.agreement.items.first()
    client = login(mediator_a)
    response = client.post(
        act_url(case, Action.FOLLOW_UP),
        {"follow_up-version": case.version, "follow_up-term": term.pk, "follow_up-performance": Performance.DONE},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.performance == Performance.DONE
    case.refresh_from_db()
    today = timezone.localdate().isoformat()
    response = client.post(
        act_url(case, Action.COURT_APPLY),
        {"court_apply-version": case.version, "court_apply-applied_on": today, "court_apply-court": "金安区人民法院"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    response = client.post(
        act_url(case, Action.COURT_RESULT),
        {"court_result-version": case.version, "court_result-result": "confirmed", "court_result-decided_on": today},
    )
    assert response.status_code == 302
    case.agreement.refresh_from_db()
    assert case.agreement.court_result == "confirmed"


# --- The agreement PDF ----------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.pdf
def test_pdf_download_is_masked_by_default(login, grid_worker_a, new_case, walk):
    case = walk(new_case(), State.AGREED)
    response = login(grid_worker_a).get(pdf_url(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "110105********002X" in text and VALID_ID not in text
    assert "138****1234" in text and PHONE not in text
    assert not CaseEvent.objects.filter(case=case, action=Action.NOTE).exists()


@pytest.mark.pdf
def test_full_identity_pdf_is_posted_with_a_reason_and_logged(login, mediator_a, grid_worker_a, new_case, walk, caplog):
    """Issue 15, item 8: the copy with full ID numbers is a POST with a reason, and writes a
    reveal-log row and a note like every other reveal; a GET never shows full numbers."""
    from mediation.models import IdentityReveal

    case = walk(new_case(), State.AGREED)
    full_url = reverse("mediation:agreement_pdf_full", args=[case.tracking_number])
    masked = login(mediator_a).get(pdf_url(case), {"full": "1"})
    assert masked.status_code == 200 and VALID_ID not in pdf_text(masked.content)
    assert login(mediator_a).get(full_url).status_code == 405
    assert login(grid_worker_a).post(full_url, {"reason": "签字"}).status_code == 403
    no_reason = login(mediator_a).post(full_url, {"reason": "  "})
    assert no_reason.status_code == 302 and not IdentityReveal.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action=Action.NOTE).exists()
    with caplog.at_level(logging.INFO, logger="mediation.views"):
        response = login(mediator_a).post(full_url, {"reason": "双方当场签字"})
    assert response.status_code == 200
    assert VALID_ID in pdf_text(response.content)
    reveal = IdentityReveal.objects.get()
    assert (reveal.case, reveal.user, reveal.reason) == (case, mediator_a, "双方当场签字")
    event = CaseEvent.objects.filter(case=case, action=Action.NOTE).get()
    assert event.actor == mediator_a and "双方当场签字" in event.note
    assert case.tracking_number in caplog.text


def test_pdf_of_a_case_without_agreement_is_404(login, mediator_a, new_case):
    case = new_case()
    assert login(mediator_a).get(pdf_url(case)).status_code == 404


def test_registered_case_reaches_an_agreement_visible_on_the_room_page(login, mediator_a, rooms, new_case, walk):
    case = walk(new_case(), State.AGREED)
    html = login(mediator_a).get(reverse("mediation:room", args=[rooms.a.pk])).content.decode()
    assert f'data-case="{case.tracking_number}"' in html
    assert 'class="state state-agreed"' in html
