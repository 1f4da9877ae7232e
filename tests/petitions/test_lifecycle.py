"""The petition lifecycle: every transition of the table through its service, every other
one refused, optimistic locking, roles and scope, the resident's rating, the append-only
timeline and registration."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from core.crypto import blind_index
from core.models import Role
from petitions import clocks
from petitions import services as s
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed, StaleVersion
from petitions.models import Petition, Petitioner, PetitionPetitioner, TimelineEntry, TrackingCounter
from petitions.states import Action, Kind, Origin, Satisfaction, State
from petitions.transitions import ALLOWED
from tests.conftest import PERSONAS
from tests.factories import UserFactory
from tests.petitions.conftest import OTHER_ID, PHONE, VALID_ID

# --- The table, unrolled --------------------------------------------------------------------

LEGAL = [
    (action, from_state, to_state)
    for action, table in ALLOWED.items()
    for from_state, targets in table.items()
    for to_state in sorted(targets)
]
# Every action except registering, from every state its table does not list: generated from
# Action and State, so a new state or action is covered the day it is added.
ILLEGAL = [
    (action, state)
    for action in Action
    if action != Action.REGISTER
    for state in State
    if state not in ALLOWED.get(action, {})
]

# Who does each action in the legal walk (None: the resident, who has no account).
ACTOR = {
    Action.ACCEPT: "desk_clerk",
    Action.ASSIGN: "desk_clerk",
    Action.TRANSFER: "desk_clerk",
    Action.REJECT: "desk_clerk",
    Action.OBJECT: "handler",
    Action.ESCALATE: "village_agent_a",
    Action.NOTIFY: "handler",
    Action.EXTEND: "handler",
    Action.REPLY: "handler",
    Action.FOLLOW_UP: "desk_clerk",
    Action.RATE: None,
    Action.REQUEST_REVIEW: "desk_clerk",
    Action.ANSWER_REVIEW: "leader",
    Action.REQUEST_RE_REVIEW: "desk_clerk",
    Action.ANSWER_RE_REVIEW: "leader",
    Action.NOTE: "grid_worker_a",
    Action.ATTACH: "grid_worker_a",
    Action.LINK_REPEAT: "desk_clerk",
    Action.REFER_MEETING: "desk_clerk",
    Action.MEETING_DECISION: "desk_clerk",
    Action.SET_RESPONSIBLE: "desk_clerk",
}
# Whether the resident sees the timeline entry on the status page.
PUBLIC = {
    Action.ACCEPT: True,
    Action.ASSIGN: True,
    Action.TRANSFER: True,
    Action.REJECT: True,
    Action.OBJECT: False,  # the units' own business: the matter simply goes back to the desk
    Action.ESCALATE: True,  # the resident sees the case went up to the town
    Action.NOTIFY: True,
    Action.EXTEND: True,  # the reason is told to the petitioner (Art. 34)
    Action.REPLY: True,
    Action.FOLLOW_UP: True,
    Action.RATE: True,
    Action.REQUEST_REVIEW: True,
    Action.ANSWER_REVIEW: True,
    Action.REQUEST_RE_REVIEW: True,
    Action.ANSWER_RE_REVIEW: True,
    Action.NOTE: False,  # a note is internal unless the writer says otherwise
    Action.ATTACH: False,  # so are attachments
    Action.LINK_REPEAT: False,
    Action.REFER_MEETING: True,  # the resident sees the case went before the joint meeting
    Action.MEETING_DECISION: True,  # and what it decided
    Action.SET_RESPONSIBLE: False,  # staff names stay off the public page
}


def _id(value) -> str:
    return str(value)


def row(petition: Petition) -> tuple[dict, int]:
    """Everything stored about a petition: its row and how long its timeline is."""
    return (
        Petition.objects.filter(pk=petition.pk).values().get(),
        TimelineEntry.objects.filter(petition_id=petition.pk).count(),
    )


def persona(request, name: str | None):
    return None if name is None else request.getfixturevalue(name)


def test_every_action_but_registering_has_a_row_in_the_table():
    assert set(ALLOWED) == set(Action) - {Action.REGISTER}
    assert set(ACTOR) == set(ALLOWED) == set(PUBLIC)


def test_every_state_can_be_reached_and_every_target_is_a_state():
    targets = {to for table in ALLOWED.values() for tos in table.values() for to in tos}
    assert targets <= set(State)
    assert targets | {State.REGISTERED} == set(State)


# --- Legal and illegal transitions ------------------------------------------------------------


@pytest.mark.parametrize(("action", "from_state", "to_state"), LEGAL, ids=_id)
def test_every_legal_transition_works_through_its_service(request, register, walk, act, action, from_state, to_state):
    via = "village" if action == Action.ESCALATE else "zongzhi"  # only a village escalates
    petition = walk(register(), from_state, via=via, reviewed=action == Action.REQUEST_RE_REVIEW)
    actor = persona(request, ACTOR[action])
    before = TimelineEntry.objects.filter(petition=petition).count()

    result = act(action, petition, actor, to=to_state)

    stored = Petition.objects.get(pk=petition.pk)
    assert result.state == stored.state == to_state
    assert stored.version == petition.version + 1
    assert stored.next_due == clocks.next_due(stored)
    entries = list(TimelineEntry.objects.filter(petition=petition).order_by("id"))
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.action, entry.from_state, entry.to_state) == (action, from_state, to_state)
    assert entry.actor == actor
    assert entry.public is PUBLIC[action]


@pytest.mark.parametrize(("action", "state"), ILLEGAL, ids=_id)
def test_every_illegal_transition_is_refused_and_changes_nothing(leader, register, walk, act, action, state):
    # The leader sees every petition of the town, so scope is not what refuses it.
    petition = walk(register(), state)
    before = row(petition)
    with pytest.raises(IllegalTransition):
        act(action, petition, leader)
    assert row(petition) == before


def test_the_register_action_is_written_once_at_registration(register, desk_clerk):
    petition = register()
    entries = list(petition.timeline.all())
    assert len(entries) == 1
    assert (entries[0].action, entries[0].from_state, entries[0].to_state) == (Action.REGISTER, "", State.REGISTERED)
    assert entries[0].actor == desk_clerk
    assert entries[0].public is True
    assert petition.state == State.REGISTERED
    assert petition.version == 1


def test_a_public_note_is_shown_to_the_resident(register, desk_clerk):
    petition = register()
    s.petition_add_note(petition=petition, actor=desk_clerk, version=1, text="已约定上门时间。", public=True)
    entry = petition.timeline.order_by("-id").first()
    assert (entry.action, entry.public) == (Action.NOTE, True)


# --- Optimistic locking ---------------------------------------------------------------------

STALE = [(action, from_state, to_state) for action, from_state, to_state in LEGAL if action != Action.RATE]


@pytest.mark.parametrize(("action", "from_state", "to_state"), STALE, ids=_id)
@pytest.mark.parametrize("offset", [-1, 1], ids=["older", "newer"])
def test_a_stale_version_is_refused_and_changes_nothing(
    request, register, walk, act, action, from_state, to_state, offset
):
    petition = walk(register(), from_state, reviewed=action == Action.REQUEST_RE_REVIEW)
    before = row(petition)
    with pytest.raises(StaleVersion):
        act(action, petition, persona(request, ACTOR[action]), version=petition.version + offset, to=to_state)
    assert row(petition) == before


def test_two_users_with_the_same_version_the_second_one_is_refused(register, units, desk_clerk, leader):
    petition = register()
    seen_by_clerk = Petition.objects.get(pk=petition.pk)
    seen_by_leader = Petition.objects.get(pk=petition.pk)
    s.petition_assign(petition=seen_by_clerk, actor=desk_clerk, version=seen_by_clerk.version, unit=units.zongzhi)
    before = row(petition)
    with pytest.raises(StaleVersion):
        s.petition_reject(petition=seen_by_leader, actor=leader, version=seen_by_leader.version, reason="重复诉求")
    assert row(petition) == before
    stored = Petition.objects.get(pk=petition.pk)
    assert (stored.state, stored.version, stored.unit) == (State.HANDLING, 2, units.zongzhi)


def test_handler_and_leader_on_the_same_version_the_second_one_is_refused(register, walk, handler, leader):
    petition = walk(register(), State.HANDLING)
    version = petition.version
    s.petition_notify(petition=petition, actor=handler, version=version, text="已受理。")
    before = row(petition)
    with pytest.raises(StaleVersion):
        s.petition_extend(petition=petition, actor=leader, version=version, days=10, reason="需要测量。")
    assert row(petition) == before


# --- Roles and scope --------------------------------------------------------------------------


def assert_not_allowed(call, petition):
    before = row(petition)
    with pytest.raises(NotAllowed):
        call()
    assert row(petition) == before


def test_grid_worker_of_village_b_cannot_act_on_village_a(register, walk, act, grid_worker_b):
    registered = register()
    assert_not_allowed(lambda: act(Action.NOTE, registered, grid_worker_b), registered)
    replied = walk(register(), State.REPLIED)
    assert_not_allowed(lambda: act(Action.FOLLOW_UP, replied, grid_worker_b), replied)


def test_grid_worker_of_village_a_can_note_and_follow_up_village_a(register, walk, act, grid_worker_a):
    act(Action.NOTE, register(), grid_worker_a)
    replied = walk(register(), State.REPLIED)
    assert act(Action.FOLLOW_UP, replied, grid_worker_a).state == State.CLOSED


def test_mediator_cannot_add_a_note(register, act, mediator_a):
    petition = register()
    assert_not_allowed(lambda: act(Action.NOTE, petition, mediator_a), petition)


def test_desk_clerk_cannot_extend_even_a_petition_the_town_handles_itself(register, walk, act, desk_clerk):
    petition = walk(register(), State.HANDLING, via="direct")
    assert_not_allowed(lambda: act(Action.EXTEND, petition, desk_clerk), petition)


def test_the_unit_head_and_a_leader_may_extend(register, walk, act, handler, leader):
    assert act(Action.EXTEND, walk(register(), State.HANDLING), handler).extension_days == 30
    assert act(Action.EXTEND, walk(register(), State.HANDLING, via="village"), leader).extension_days == 30


def test_a_handler_not_in_the_unit_cannot_reply(register, walk, act, town, handler):
    outsider = UserFactory(username="handler_x", role=Role.HANDLER, town=town, title="农业农村办公室")
    in_zongzhi = walk(register(), State.HANDLING, notified=True)
    assert_not_allowed(lambda: act(Action.REPLY, in_zongzhi, outsider), in_zongzhi)
    in_village = walk(register(), State.HANDLING, via="village", notified=True)
    assert_not_allowed(lambda: act(Action.REPLY, in_village, handler), in_village)
    assert act(Action.REPLY, in_zongzhi, handler).state == State.REPLIED


def test_a_leader_who_is_not_responsible_for_the_case_cannot_reply(register, walk, act, leader):
    petition = walk(register(), State.HANDLING, notified=True)
    assert petition.responsible_leader is None
    assert_not_allowed(lambda: act(Action.REPLY, petition, leader), petition)


def test_the_responsible_leader_may_reply(register, act, leader, desk_clerk):
    petition = act(Action.ASSIGN, register(), desk_clerk, leader=leader)
    assert act(Action.REPLY, petition, leader).state == State.REPLIED


def test_a_handler_cannot_object_for_a_unit_that_is_not_theirs(register, walk, act, town, units):
    # Named as the handler of the case, so they see it, but they are not in the unit.
    outsider = UserFactory(username="handler_x", role=Role.HANDLER, town=town)
    petition = walk(register(), State.HANDLING)
    Petition.objects.filter(pk=petition.pk).update(handler=outsider)
    petition.refresh_from_db()
    assert_not_allowed(lambda: act(Action.OBJECT, petition, outsider), petition)


ACCUSATION_CASES = [(action, from_state, to_state) for action, from_state, to_state in LEGAL if action != Action.RATE]
NOT_INSPECTORS = [name for name in PERSONAS if name != "inspector"]


@pytest.mark.parametrize(("action", "from_state", "to_state"), ACCUSATION_CASES, ids=_id)
def test_nobody_but_an_inspector_can_do_anything_with_an_accusation(
    request, accusation, walk, act, inspector, action, from_state, to_state
):
    petition = walk(accusation(), from_state, reviewed=action == Action.REQUEST_RE_REVIEW)
    for name in NOT_INSPECTORS:
        user = request.getfixturevalue(name)
        assert_not_allowed(lambda user=user: act(action, petition, user, to=to_state), petition)
    if action in (Action.ACCEPT, Action.OBJECT, Action.SET_RESPONSIBLE):
        # Not accepted for the reception centre to handle, and not refused as "not ours" (Art. 22);
        # no town leader answers for an accusation.
        assert_not_allowed(lambda: act(action, petition, inspector), petition)
    else:
        assert act(action, petition, inspector, to=to_state).state == to_state


@pytest.mark.parametrize("unit", ["zongzhi", "village_a", "reception"])
def test_an_accusation_is_assigned_to_the_discipline_committee_only(accusation, act, units, inspector, unit):
    petition = accusation()
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.ASSIGN, petition, inspector, unit=getattr(units, unit))
    assert row(petition) == before
    assert act(Action.ASSIGN, petition, inspector, unit=units.discipline).unit == units.discipline


def test_other_petitions_may_go_to_the_discipline_committee_too(register, act, units, desk_clerk):
    assert act(Action.ASSIGN, register(), desk_clerk, unit=units.discipline).state == State.HANDLING


def test_an_inspector_walks_an_accusation_to_the_end(accusation, walk, units):
    petition = walk(accusation(), State.FINAL)
    assert petition.unit == units.discipline
    assert set(petition.timeline.exclude(action=Action.REGISTER).values_list("actor__role", flat=True)) == {
        Role.INSPECTOR
    }


def test_linking_a_repeat_cannot_point_at_an_accusation(register, accusation, act, desk_clerk):
    """Art. 30: the desk cannot see accusations, so it cannot link a petition to one either
    (the link and its timeline entry would show the accusation to whoever sees the petition)."""
    petition = register()
    secret = accusation()
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.LINK_REPEAT, petition, desk_clerk, earlier=secret)
    assert row(petition) == before


def test_linking_a_repeat_marks_it(register, act, desk_clerk):
    earlier = register(title="第一次反映")
    petition = act(Action.LINK_REPEAT, register(), desk_clerk, earlier=earlier)
    assert (petition.repeat_of, petition.is_repeat) == (earlier, True)
    with pytest.raises(InvalidInput):
        act(Action.LINK_REPEAT, petition, desk_clerk, earlier=petition)


# --- Follow-up and redo ---------------------------------------------------------------------


def test_dissatisfied_for_the_units_own_reasons_goes_back_to_be_redone(register, walk, act, desk_clerk, handler):
    petition = walk(register(), State.REPLIED)
    assert petition.redo_count == 0
    redo = act(Action.FOLLOW_UP, petition, desk_clerk, satisfaction=Satisfaction.DISSATISFIED, unit_at_fault=True)
    assert redo.state == State.HANDLING
    assert redo.redo_count == 1
    assert redo.replied_at is None
    assert redo.closed_at is None
    assert redo.satisfaction == Satisfaction.DISSATISFIED
    assert redo.handle_due == clocks.due(clocks.Key.REDO, clocks.today())
    again = act(Action.REPLY, redo, handler)
    closed = act(Action.FOLLOW_UP, again, desk_clerk)
    assert (closed.state, closed.redo_count, closed.satisfaction) == (State.CLOSED, 1, Satisfaction.SATISFIED)


def test_dissatisfied_for_other_reasons_closes_without_a_redo(register, walk, act, desk_clerk):
    petition = walk(register(), State.REPLIED)
    closed = act(Action.FOLLOW_UP, petition, desk_clerk, satisfaction=Satisfaction.DISSATISFIED)
    assert (closed.state, closed.redo_count, closed.satisfaction) == (State.CLOSED, 0, Satisfaction.DISSATISFIED)
    assert closed.closed_at is not None


def test_a_follow_up_needs_a_known_satisfaction(register, walk, act, desk_clerk):
    petition = walk(register(), State.REPLIED)
    before = row(petition)
    with pytest.raises(InvalidInput):
        act(Action.FOLLOW_UP, petition, desk_clerk, satisfaction="delighted")
    assert row(petition) == before


# --- The resident's rating ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["WRONG123", "", "查询码查询码查询", "23456789"])
def test_rating_with_the_wrong_query_code_is_not_allowed(register, walk, code):
    petition = walk(register(), State.REPLIED)
    assert petition.query_code != code
    assert_not_allowed(
        lambda: s.petition_rate(petition=petition, query_code=code, satisfaction=Satisfaction.SATISFIED), petition
    )


def test_the_query_code_may_be_typed_in_lower_case_with_spaces(register, walk):
    petition = walk(register(), State.REPLIED)
    typed = f"  {petition.query_code.lower()} "
    rated = s.petition_rate(petition=petition, query_code=typed, satisfaction=Satisfaction.SATISFIED)
    assert rated.state == State.CLOSED


@pytest.mark.parametrize("satisfaction", [Satisfaction.SATISFIED, Satisfaction.BASICALLY])
def test_a_satisfied_rating_closes(register, walk, satisfaction):
    petition = walk(register(), State.REPLIED)
    rated = s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction=satisfaction)
    assert (rated.state, rated.satisfaction) == (State.CLOSED, satisfaction)
    assert rated.closed_at is not None and rated.rated_at is not None
    entry = rated.timeline.order_by("-id").first()
    assert (entry.action, entry.actor, entry.public) == (Action.RATE, None, True)


def test_a_dissatisfied_rating_keeps_it_replied_for_the_follow_up(register, walk, act, desk_clerk):
    petition = walk(register(), State.REPLIED)
    rated = s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction=Satisfaction.DISSATISFIED)
    assert (rated.state, rated.satisfaction, rated.redo_count) == (State.REPLIED, Satisfaction.DISSATISFIED, 0)
    assert rated.closed_at is None
    # The follow-up visit decides whether the unit must redo it.
    redo = act(Action.FOLLOW_UP, rated, desk_clerk, satisfaction=Satisfaction.DISSATISFIED, unit_at_fault=True)
    assert (redo.state, redo.redo_count) == (State.HANDLING, 1)


@pytest.mark.parametrize("first", [Satisfaction.DISSATISFIED, Satisfaction.SATISFIED])
def test_the_resident_rates_only_once(register, walk, first):
    petition = walk(register(), State.REPLIED)
    s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction=first)
    before = row(petition)
    with pytest.raises((InvalidInput, IllegalTransition)):
        s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction=Satisfaction.BASICALLY)
    assert row(petition) == before


def test_a_new_reply_after_a_redo_can_be_rated_again(register, walk, act, desk_clerk, handler):
    petition = walk(register(), State.REPLIED)
    petition = s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction="dissatisfied")
    petition = act(Action.FOLLOW_UP, petition, desk_clerk, satisfaction="dissatisfied", unit_at_fault=True)
    petition = act(Action.REPLY, petition, handler)
    assert petition.rated_at is None and petition.satisfaction == ""
    rated = s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction=Satisfaction.SATISFIED)
    assert rated.state == State.CLOSED


def test_a_rating_needs_a_known_satisfaction(register, walk):
    petition = walk(register(), State.REPLIED)
    before = row(petition)
    with pytest.raises(InvalidInput):
        s.petition_rate(petition=petition, query_code=petition.query_code, satisfaction="thrilled")
    assert row(petition) == before


# --- The timeline is append-only --------------------------------------------------------------


def test_the_timeline_is_append_only(register, walk):
    petition = walk(register(), State.HANDLING)
    entries = list(TimelineEntry.objects.filter(petition=petition).values_list("id", "note", "action"))
    entry = TimelineEntry.objects.filter(petition=petition).first()

    entry.note = "改写历史"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        TimelineEntry.objects.filter(petition=petition).update(note="改写历史")
    with pytest.raises(TypeError):
        TimelineEntry.objects.filter(petition=petition).delete()
    with pytest.raises(TypeError):
        petition.timeline.all().delete()
    with pytest.raises(TypeError), transaction.atomic():
        TimelineEntry.objects.bulk_update([entry], ["note"])
    copy = TimelineEntry(pk=entry.pk, petition=petition, at=entry.at, action=Action.NOTE, to_state=State.HANDLING)
    with pytest.raises(TypeError):
        copy.save()
    with pytest.raises(ProtectedError), transaction.atomic():
        Petition.objects.get(pk=petition.pk).delete()

    assert list(TimelineEntry.objects.filter(petition=petition).values_list("id", "note", "action")) == entries


# --- Registration ---------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        "petitions": Petition.objects.count(),
        "petitioners": Petitioner.objects.count(),
        "links": PetitionPetitioner.objects.count(),
        "timeline": TimelineEntry.objects.count(),
        "numbers": sum(TrackingCounter.objects.values_list("last", flat=True)),
    }


def test_registering_again_with_the_same_client_token_returns_the_same_petition(registration):
    token = uuid.uuid4()
    first = registration(client_token=token)
    assert first.created is True
    before = counts()
    again = registration(client_token=token, title="双击又提交了一次")
    assert again.created is False
    assert again.petition.pk == first.petition.pk
    assert again.petition.title == first.petition.title
    assert counts() == before
    other = registration(client_token=uuid.uuid4())
    assert other.created is True and other.petition.pk != first.petition.pk


def test_tracking_numbers_count_up_per_year(register, clock):
    clock.set(date(2026, 3, 2))
    assert register().tracking_number == "DHK-2026-000001"
    assert register().tracking_number == "DHK-2026-000002"
    # Late on New Year's Eve in Anhui (15:30 UTC): still 2026.
    clock.set(date(2026, 12, 31), hour=23, minute=30)
    assert register().tracking_number == "DHK-2026-000003"
    # Half past midnight in Anhui, still 31 December in UTC: 2027 starts again at 1.
    clock.set(date(2027, 1, 1), hour=0, minute=30)
    assert register().tracking_number == "DHK-2027-000001"
    assert register().tracking_number == "DHK-2027-000002"
    assert dict(TrackingCounter.objects.values_list("year", "last")) == {2026: 3, 2027: 2}


def test_the_query_code_is_eight_unambiguous_characters_and_differs_between_petitions(register):
    assert set(s.QUERY_CODE_ALPHABET) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") - set("01OIL")
    codes = [register().query_code for _ in range(5)]
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(s.QUERY_CODE_ALPHABET), code
    assert len(set(codes)) == len(codes)


def test_a_group_visit_sends_at_most_five_representatives(register):
    def group(size: int, representatives: int):
        return [s.PetitionerInput(name=f"村民{i}", is_representative=i < representatives) for i in range(size)]

    before = counts()
    with pytest.raises(InvalidInput):
        register(petitioners=group(6, 6), headcount=40)
    assert counts() == before
    petition = register(petitioners=group(5, 5), headcount=40)
    assert petition.links.filter(is_representative=True).count() == 5
    assert petition.is_collective and petition.headcount == 40
    # More people may be named, as long as no more than five represent the group.
    assert register(petitioners=group(7, 5)).links.count() == 7


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_petition_assigned_from_above_needs_an_upstream_reference(register, reference):
    before = counts()
    with pytest.raises(InvalidInput):
        register(origin=Origin.ASSIGNED, upstream_reference=reference)
    assert counts() == before


def test_a_petition_assigned_from_above_keeps_its_reference(register):
    petition = register(origin=Origin.ASSIGNED, upstream_reference="  LA-20260302-118 ")
    assert petition.upstream_reference == "LA-20260302-118"


def test_the_database_refuses_an_assigned_petition_without_reference(register):
    petition = register()
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(origin=Origin.ASSIGNED)


def test_anonymous_petitions_have_no_petitioners(register):
    petition = register(anonymous=True)
    assert petition.anonymous
    assert petition.petitioners.count() == 0
    before = counts()
    with pytest.raises(InvalidInput):
        register(anonymous=True, petitioners=[s.PetitionerInput(name="刘芳", phone=PHONE)])
    with pytest.raises(InvalidInput):
        register(anonymous=False, petitioners=[])
    assert counts() == before


def test_the_same_person_petitioning_twice_is_one_petitioner(register, village_a):
    first = register(petitioners=[s.PetitionerInput(name="刘芳", phone=PHONE, id_number=VALID_ID)])
    second = register(
        title="又来反映",
        petitioners=[s.PetitionerInput(name="刘芳", phone="13987654321", id_number=VALID_ID, address="东河口村3组")],
    )
    assert Petitioner.objects.filter(id_number_hash=blind_index("id_number", VALID_ID)).count() == 1
    person = Petitioner.objects.get(id_number_hash=blind_index("id_number", VALID_ID))
    assert list(first.petitioners.all()) == list(second.petitioners.all()) == [person]
    # What was missing is filled in; what was known is kept.
    assert (person.phone, person.address) == (PHONE, "东河口村3组")


def test_a_person_without_id_number_is_matched_by_name_and_phone(register):
    register(petitioners=[s.PetitionerInput(name="黄伟", phone="13712345678")])
    register(petitioners=[s.PetitionerInput(name="黄伟", phone="13712345678")])
    register(petitioners=[s.PetitionerInput(name="黄丽", phone="13712345678")])
    register(petitioners=[s.PetitionerInput(name="黄伟", phone="13712345678", id_number=OTHER_ID)])
    assert Petitioner.objects.filter(phone_hash=blind_index("phone", "13712345678")).count() == 2
    assert Petitioner.objects.get(name="黄伟").id_number == OTHER_ID


def test_an_invalid_id_number_is_refused(register):
    with pytest.raises(ValidationError) as error:
        register(petitioners=[s.PetitionerInput(name="刘芳", id_number=VALID_ID[:-1] + "1")])
    assert "id_number" in error.value.message_dict
    assert Petitioner.objects.count() == 0


def test_registration_derives_the_flags(register, village_a):
    petition = register(
        petitioners=[s.PetitionerInput(name="甲"), s.PetitionerInput(name="乙")],
        kind=Kind.SUGGESTION,
    )
    assert petition.is_collective and petition.headcount == 2
    assert petition.next_due == petition.route_due
