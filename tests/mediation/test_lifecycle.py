"""Every outcome of a mediation case, through the one lifecycle table and its service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mediation import services as s
from mediation.models import Agreement, CaseEvent, MediationCase, MediationSession
from mediation.states import OPEN_STATES, UNFINISHED_STATES, Action, CourtResult, Source, State
from mediation.transitions import ALLOWED, allowed_targets
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed, StaleVersion
from petitions.models import TimelineEntry
from petitions.states import Action as PetitionAction
from tests.mediation.conftest import APPLICANT, PATHS, RESPONDENT, TERMS_TEXT, parties

ALL_STATES = list(State)
LIFECYCLE_ACTIONS = [action for action in Action if action != Action.REGISTER]


def history(case) -> list[tuple[str, str, str]]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", "from_state", "to_state"))


def petition_notes(petition) -> list[str]:
    return list(
        TimelineEntry.objects.filter(petition=petition, action=PetitionAction.NOTE).values_list("note", flat=True)
    )


# --- Registration ----------------------------------------------------------------------


def test_mediator_registers_a_walk_in_dispute_with_its_parties_and_a_case_number(new_case, rooms, mediator_a):
    case = new_case()
    assert case.tracking_number == f"DHK-TJ-{timezone.localdate().year}-000001"
    assert case.state == State.REGISTERED
    assert case.version == 1
    assert case.room == rooms.a
    assert case.registered_by == mediator_a
    assert [(p.name, p.role) for p in case.parties.all()] == [(APPLICANT, "applicant"), (RESPONDENT, "respondent")]
    assert case.parties.first().masked_name == "刘*"
    assert case.parties.last().masked_phone == "136****1111"
    assert history(case) == [(Action.REGISTER, "", State.REGISTERED)]
    assert new_case().tracking_number.endswith("-000002")


def test_a_dispute_needs_both_sides(new_case):
    with pytest.raises(InvalidInput):
        new_case(parties=[s.PartyInput(name="刘芳", role="applicant")])


def test_party_id_numbers_are_validated(new_case):
    bad = [s.PartyInput(name="刘芳", role="applicant", id_number="340102198001011234"), *parties()[1:]]
    with pytest.raises(InvalidInput):
        new_case(parties=bad)
    assert not MediationCase.objects.exists()


def test_a_double_tapped_registration_makes_one_case(new_case):
    import uuid

    token = uuid.uuid4()
    first = new_case(client_token=token)
    assert new_case(client_token=token) == first
    assert MediationCase.objects.count() == 1


def test_mediators_must_serve_in_the_room(new_case, members_b):
    with pytest.raises(InvalidInput):
        new_case(mediators=members_b[:1])


def test_desk_clerk_sends_a_petition_to_mediation_and_the_petition_says_so(petition_case):
    case = petition_case()
    assert case.source == Source.PETITION
    notes = petition_notes(case.petition)
    assert len(notes) == 1
    assert case.tracking_number in notes[0]


def test_a_petition_has_one_unfinished_mediation_at_a_time(petition_case, register, walk, mediator_a):
    petition = register()
    first = petition_case(petition=petition)
    with pytest.raises(InvalidInput):
        petition_case(petition=petition)
    walk(first, State.WITHDRAWN)
    assert petition_case(petition=petition).petition == petition


def test_a_mediator_cannot_send_a_petition_they_cannot_see(new_case, register, mediator_a):
    with pytest.raises(InvalidInput):
        new_case(source=Source.PETITION, petition=register(), actor=mediator_a)


def test_source_petition_needs_a_petition(new_case):
    with pytest.raises(InvalidInput):
        new_case(source=Source.PETITION)


# --- Outcomes --------------------------------------------------------------------------


def test_sessions_are_the_work_record_and_the_first_starts_the_mediation(new_case, act, mediator_a):
    case = act("session", new_case(), mediator_a)
    assert case.state == State.IN_MEDIATION
    case = act("session", case, mediator_a, agreed="双方同意请村组长到场测量。")
    assert case.state == State.IN_MEDIATION
    assert MediationSession.objects.filter(case=case).count() == 2
    assert MediationSession.objects.last().recorded_by == mediator_a
    assert history(case)[1:] == [
        (Action.SESSION, State.REGISTERED, State.IN_MEDIATION),
        (Action.SESSION, State.IN_MEDIATION, State.IN_MEDIATION),
    ]


def test_a_session_cannot_be_recorded_in_the_future(new_case, act, mediator_a):
    with pytest.raises(InvalidInput):
        act("session", new_case(), mediator_a, held_at=timezone.now() + timedelta(hours=2))


def test_agreement_reached_closes_the_mediation_with_terms_and_the_30_day_clock(new_case, walk, mediator_a):
    case = walk(new_case(), State.AGREED)
    agreement = Agreement.objects.get(case=case)
    assert case.closed_at is not None
    assert [t.text for t in agreement.items.all()] == TERMS_TEXT
    assert agreement.items.first().party.name == RESPONDENT
    assert agreement.terms == f"1. {TERMS_TEXT[0]}\n2. {TERMS_TEXT[1]}"
    assert agreement.judicial_confirmation_due == timezone.localdate(agreement.signed_at) + timedelta(days=30)
    assert agreement.court_result == CourtResult.NOT_REQUESTED
    assert history(case)[-1] == (Action.AGREE, State.IN_MEDIATION, State.AGREED)


def test_partial_agreement_records_what_remains_unresolved(new_case, walk):
    case = walk(new_case(), State.PARTLY_AGREED)
    assert case.agreement.unresolved == "误工费争议未达成一致。"
    assert "误工费" in CaseEvent.objects.filter(case=case).last().note


def test_partial_agreement_must_say_what_remains(new_case, act, mediator_a):
    case = act("session", new_case(), mediator_a)
    with pytest.raises(InvalidInput):
        act("agree", case, mediator_a, partial=True, unresolved=" ")


def test_agreement_from_a_petition_is_written_into_its_timeline(petition_case, walk):
    case = walk(petition_case(), State.AGREED)
    notes = petition_notes(case.petition)
    assert len(notes) == 2
    assert case.tracking_number in notes[-1]
    assert "孙德" in notes[-1]  # the mediator cannot see the petition: named in the text
    entry = TimelineEntry.objects.filter(petition=case.petition).last()
    assert entry.actor is None
    assert entry.public is False


def test_failure_returns_a_petition_to_the_desk_with_its_history(petition_case, walk, desk_clerk):
    case = walk(petition_case(), State.FAILED)
    assert case.closed_at is not None
    case = s.mediation_case_return_to_desk(case=case, actor=desk_clerk, version=case.version, note="请窗口答复。")
    assert case.state == State.RETURNED
    assert case.handed_over_at is not None
    notes = petition_notes(case.petition)
    assert "双方对地界各执一词" in notes[-2]  # the failure
    assert "1" in notes[-1] and "请窗口答复。" in notes[-1]  # the hand-over, with the sessions count
    assert TimelineEntry.objects.filter(petition=case.petition).last().actor == desk_clerk
    assert history(case)[-2:] == [
        (Action.FAIL, State.IN_MEDIATION, State.FAILED),
        (Action.RETURN_TO_DESK, State.FAILED, State.RETURNED),
    ]


def test_a_walk_in_cannot_be_returned_to_the_petition_desk(new_case, walk, act, mediator_a):
    case = walk(new_case(), State.FAILED)
    with pytest.raises(InvalidInput):
        act("return_to_desk", case, mediator_a)
    assert MediationCase.objects.get(pk=case.pk).state == State.FAILED


def test_failure_is_referred_to_the_towns_dispute_mediation_centre(new_case, walk, act, mediator_a, units, handler):
    units.zongzhi  # noqa: B018 - the fixture creates the town's units
    case = walk(new_case(), State.FAILED)
    case = act("refer", case, mediator_a, note="涉及多户，提交镇调处中心。")
    assert case.state == State.REFERRED
    assert case.referred_to.name == "矛盾纠纷调处中心"
    assert "矛盾纠纷调处中心" in CaseEvent.objects.filter(case=case).last().note


def test_referral_needs_the_centre(new_case, walk, act, mediator_a):
    case = walk(new_case(), State.FAILED)  # no handling units in this town
    with pytest.raises(InvalidInput):
        act("refer", case, mediator_a)


@pytest.mark.parametrize("state", OPEN_STATES)
def test_a_party_may_end_the_mediation_from_every_open_state(state, petition_case, walk, act, mediator_a):
    case = walk(petition_case(), state)
    party = case.parties.last()
    case = s.mediation_case_withdraw(
        case=case, actor=mediator_a, version=case.version, party=party, reason="不愿继续调解，准备起诉。"
    )
    assert case.state == State.WITHDRAWN
    assert case.closed_at is not None
    assert history(case)[-1] == (Action.WITHDRAW, state, State.WITHDRAWN)
    assert "欧阳**" in CaseEvent.objects.filter(case=case).last().note
    assert "不愿继续调解" in petition_notes(case.petition)[-1]


def test_the_desk_may_record_a_partys_withdrawal(new_case, act, desk_clerk):
    assert act("withdraw", new_case(), desk_clerk).state == State.WITHDRAWN


def test_withdrawal_is_open_in_every_open_state_per_the_table():
    for state in OPEN_STATES:
        assert allowed_targets(Action.WITHDRAW, state) == {State.WITHDRAWN}


@pytest.mark.parametrize("state", UNFINISHED_STATES)
def test_police_flag_is_recorded_without_ending_the_case(state, new_case, walk, act, mediator_a, clock):
    moment = clock.set(timezone.localdate())
    case = walk(new_case(), state)
    case = act("flag_police", case, mediator_a, reason="一方持刀威胁，可能引发刑事案件。")
    assert case.state == state
    assert case.police_flagged_at == moment
    assert case.police_flagged_by == mediator_a
    assert case.police_flag_reason == "一方持刀威胁，可能引发刑事案件。"
    assert history(case)[-1] == (Action.FLAG_POLICE, state, state)
    with pytest.raises(InvalidInput):
        act("flag_police", case, mediator_a)


def test_a_grid_worker_of_the_village_may_flag_to_the_police(new_case, act, grid_worker_a):
    assert act("flag_police", new_case(), grid_worker_a).police_flagged_by == grid_worker_a


# --- The table -------------------------------------------------------------------------


def _illegal_pairs():
    for state in ALL_STATES:
        for action in LIFECYCLE_ACTIONS:
            if not allowed_targets(action, state):
                yield state, action


@pytest.mark.parametrize(("state", "action"), list(_illegal_pairs()))
def test_actions_outside_the_table_are_refused(state, action, petition_case, walk, act, mediator_a):
    case = walk(petition_case(), state)
    before = history(case)
    with pytest.raises(IllegalTransition):
        act(action, case, mediator_a)
    assert MediationCase.objects.get(pk=case.pk).state == state
    assert history(case) == before


def test_every_state_is_reachable_and_every_table_action_has_a_driver():
    assert set(PATHS) == set(State)
    assert set(ALLOWED) == set(LIFECYCLE_ACTIONS)


def test_a_stale_version_is_refused_and_nothing_is_saved(new_case, act, mediator_a):
    case = new_case()
    stale = case.version
    act("note", case, mediator_a)
    with pytest.raises(StaleVersion):
        act("session", case, mediator_a, version=stale)
    assert MediationCase.objects.get(pk=case.pk).state == State.REGISTERED
    assert not MediationSession.objects.exists()


def test_each_change_bumps_the_version(new_case, act, mediator_a):
    case = new_case()
    assert act("note", case, mediator_a).version == 2


def test_the_history_is_append_only(new_case):
    event = CaseEvent.objects.get(case=new_case())
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        CaseEvent.objects.all().delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.update(note="x")


def test_only_the_rooms_mediators_conduct_the_mediation(new_case, act, desk_clerk, leader, grid_worker_a):
    case = new_case()
    for actor in (desk_clerk, leader, grid_worker_a):
        with pytest.raises(NotAllowed):
            act("session", case, actor)


def test_assigning_mediators_chosen_by_the_parties(new_case, act, mediator_a, members_a):
    case = act(
        "assign", new_case(), mediator_a, mediators=members_a[1:], chosen_by_parties=True, invited_helpers="村医张某"
    )
    assert set(case.mediators.all()) == set(members_a[1:])
    assert case.mediators_chosen_by_parties
    assert case.invited_helpers == "村医张某"
