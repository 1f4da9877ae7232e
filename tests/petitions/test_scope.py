"""Who sees which petition, and who may do what to it: the two permission helpers, table by
table for every persona, and the services agreeing with them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404

from petitions.errors import NotAllowed
from petitions.permissions import can_act, get_petition_for_user, petitions_visible_to
from petitions.states import Action, State
from petitions.transitions import ALLOWED
from tests.conftest import PERSONAS
from tests.factories import GridFactory, TownFactory, VillageFactory

# --- Who sees what ----------------------------------------------------------------------------

PETITIONS = ["village_a", "village_b", "zongzhi", "village_a_at_zongzhi", "accusation", "other_town"]
EVERYTHING_BUT_SECRETS = {"village_a", "village_b", "zongzhi", "village_a_at_zongzhi"}
VISIBLE = {
    "desk_clerk": EVERYTHING_BUT_SECRETS,
    "grid_worker_a": {"village_a", "village_a_at_zongzhi"},
    "grid_worker_b": {"village_b"},
    "village_agent_a": {"village_a", "village_a_at_zongzhi"},
    "mediator_a": set(),  # mediators work on mediation cases, not petitions
    "handler": {"zongzhi", "village_a_at_zongzhi"},
    "leader": EVERYTHING_BUT_SECRETS,
    "inspector": EVERYTHING_BUT_SECRETS | {"accusation"},  # Art. 30: accusations reach inspectors only
    "administrator": EVERYTHING_BUT_SECRETS,
}


def test_the_table_names_every_persona():
    assert set(VISIBLE) == set(PERSONAS)


@pytest.fixture
def scoped(register, accusation, act, units, desk_clerk, village_b, category):
    """One petition of each kind of scope, by name."""
    other = TownFactory(code="341502106", name="三十铺镇", tracking_prefix="SSP")
    other_village = VillageFactory(town=other, code="341502106201", name="三十铺村委会")
    GridFactory(village=other_village, number=1)
    return {
        "village_a": register(),
        "village_b": register(village=village_b),
        "zongzhi": act(Action.ASSIGN, register(village=None), desk_clerk, unit=units.zongzhi),
        "village_a_at_zongzhi": act(Action.ASSIGN, register(), desk_clerk, unit=units.zongzhi),
        "accusation": accusation(),
        "other_town": register(town=other, village=other_village, actor=None),
    }


@pytest.mark.parametrize("name", PERSONAS)
def test_petitions_visible_to(request, scoped, name):
    user = request.getfixturevalue(name)
    visible = set(petitions_visible_to(user).values_list("pk", flat=True))
    assert visible == {scoped[key].pk for key in VISIBLE[name]}


@pytest.mark.parametrize("name", PERSONAS)
def test_get_petition_for_user_is_404_outside_scope(request, scoped, name):
    user = request.getfixturevalue(name)
    for key, petition in scoped.items():
        for for_update in (False, True):
            with transaction.atomic():
                if key in VISIBLE[name]:
                    found = get_petition_for_user(user, petition.tracking_number, for_update=for_update)
                    assert found.pk == petition.pk
                else:
                    with pytest.raises(Http404):
                        get_petition_for_user(user, petition.tracking_number, for_update=for_update)


def test_nobody_without_an_account_sees_a_petition(scoped):
    assert not petitions_visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        get_petition_for_user(AnonymousUser(), scoped["village_a"].tracking_number)


def test_an_unknown_number_is_404_too(scoped, leader):
    with pytest.raises(Http404):
        get_petition_for_user(leader, "DHK-2026-999999")


def test_a_grid_worker_sees_what_is_assigned_to_their_village_from_elsewhere(
    register, act, units, desk_clerk, grid_worker_a
):
    petition = act(Action.ASSIGN, register(village=None), desk_clerk, unit=units.village_a)
    assert get_petition_for_user(grid_worker_a, petition.tracking_number).pk == petition.pk


def test_a_handler_named_on_a_case_sees_it_outside_their_unit(register, act, units, desk_clerk, handler):
    petition = act(Action.ASSIGN, register(), desk_clerk, unit=units.village_a, handler=handler)
    assert get_petition_for_user(handler, petition.tracking_number).pk == petition.pk


# --- Who may do what ----------------------------------------------------------------------------

ROUTERS = {"desk_clerk", "leader"}
REVIEWED = "reviewed"  # CLOSED after an answered review


def _accusation_rows():
    rows = []
    for action, table in ALLOWED.items():
        if action == Action.RATE:
            continue
        state = next(iter(table))
        if action == Action.REQUEST_RE_REVIEW:
            state = REVIEWED
        # The discipline committee does everything, but assigns accusations to itself rather than
        # accepting them for the reception centre, and cannot object that they are not its own;
        # no town leader answers for one.
        inspectors = set() if action in (Action.ACCEPT, Action.OBJECT, Action.SET_RESPONSIBLE) else {"inspector"}
        rows.append((action, f"accusation/{state}", inspectors))
    return rows


# (action, the petition it is tried on, the personas can_act lets through)
CAN_ACT = [
    (Action.ACCEPT, "registered", ROUTERS),
    (Action.ASSIGN, "registered", ROUTERS),
    (Action.TRANSFER, "registered", ROUTERS),
    (Action.REJECT, "registered", ROUTERS),
    (Action.OBJECT, "at_zongzhi", {"handler"}),
    (Action.OBJECT, "at_village_a", {"village_agent_a", "grid_worker_a"}),
    (Action.OBJECT, "direct", set()),  # the town's own handling cannot be "misrouted"
    (Action.ESCALATE, "at_village_a", {"village_agent_a", "grid_worker_a"}),
    (Action.ESCALATE, "at_zongzhi", set()),  # only a village escalates
    (Action.NOTIFY, "at_zongzhi", {"handler"}),
    (Action.NOTIFY, "at_zongzhi_with_leader", {"handler", "leader"}),
    (Action.NOTIFY, "at_village_a", {"village_agent_a", "grid_worker_a"}),
    (Action.NOTIFY, "direct", {"desk_clerk"}),
    (Action.EXTEND, "at_zongzhi", {"handler", "leader"}),  # the unit's head, or a town leader
    (Action.EXTEND, "at_village_a", {"leader"}),
    (Action.EXTEND, "direct", {"leader"}),
    (Action.REPLY, "at_zongzhi", {"handler"}),
    (Action.REPLY, "at_zongzhi_with_leader", {"handler", "leader"}),
    (Action.REPLY, "at_village_a", {"village_agent_a", "grid_worker_a"}),
    (Action.REPLY, "direct", {"desk_clerk"}),
    (Action.FOLLOW_UP, "replied", {"desk_clerk", "leader", "grid_worker_a", "village_agent_a"}),
    (Action.RATE, "replied", set()),  # only the resident, with the query code
    (Action.REQUEST_REVIEW, "closed", {"desk_clerk"}),
    (Action.ANSWER_REVIEW, "under_review", {"leader"}),
    (Action.REQUEST_RE_REVIEW, REVIEWED, {"desk_clerk"}),
    (Action.ANSWER_RE_REVIEW, "under_re_review", {"leader"}),
    (Action.NOTE, "registered", set(PERSONAS) - {"mediator_a"}),
    (Action.ATTACH, "registered", set(PERSONAS) - {"mediator_a"}),
    (Action.LINK_REPEAT, "registered", {"desk_clerk"}),
    (Action.REFER_MEETING, "registered", ROUTERS),
    (Action.REFER_MEETING, "at_village_a", ROUTERS),
    (Action.MEETING_DECISION, "registered", ROUTERS),
    (Action.MEETING_DECISION, "at_zongzhi", ROUTERS),
    (Action.SET_RESPONSIBLE, "registered", ROUTERS),
    (Action.SET_RESPONSIBLE, "at_village_a", ROUTERS),
    *_accusation_rows(),
]


def test_the_table_tries_every_action_on_ordinary_petitions_and_accusations():
    assert {action for action, setup, _ in CAN_ACT if not setup.startswith("accusation/")} == set(ALLOWED)
    assert {action for action, setup, _ in CAN_ACT if setup.startswith("accusation/")} == set(ALLOWED) - {Action.RATE}


@pytest.fixture
def build(register, accusation, walk, act, units, desk_clerk, leader):
    def _build(setup: str):
        if setup.startswith("accusation/"):
            state = setup.removeprefix("accusation/")
            if state == REVIEWED:
                return walk(accusation(), State.CLOSED, reviewed=True)
            return walk(accusation(), state)
        if setup == "at_zongzhi_with_leader":
            return act(Action.ASSIGN, register(), desk_clerk, unit=units.zongzhi, leader=leader)
        if setup == "at_zongzhi":
            return walk(register(), State.HANDLING)
        if setup == "at_village_a":
            return walk(register(), State.HANDLING, via="village")
        if setup == "direct":
            return walk(register(), State.HANDLING, via="direct")
        if setup == REVIEWED:
            return walk(register(), State.CLOSED, reviewed=True)
        return walk(register(), State(setup))

    return _build


def _row_id(value) -> str:
    if isinstance(value, set):
        return "+".join(sorted(value)) or "nobody"
    return str(value)


@pytest.mark.parametrize(("action", "setup", "allowed"), CAN_ACT, ids=_row_id)
def test_can_act(request, build, action, setup, allowed):
    petition = build(setup)
    may = {name for name in PERSONAS if can_act(request.getfixturevalue(name), petition, action)}
    assert may == allowed


@pytest.mark.parametrize(("action", "setup", "allowed"), [row for row in CAN_ACT if row[0] != Action.RATE], ids=_row_id)
def test_the_services_let_through_exactly_who_may_see_and_act(request, build, act, action, setup, allowed):
    petition = build(setup)
    for name in PERSONAS:
        user = request.getfixturevalue(name)
        if name in allowed and petitions_visible_to(user).filter(pk=petition.pk).exists():
            fresh = build(setup)
            done = act(action, fresh, user)
            assert done.version == fresh.version + 1, name
            assert done.timeline.order_by("-id").first().actor == user, name
        else:
            state, version = petition.state, petition.version
            with pytest.raises(NotAllowed):
                act(action, petition, user)
            petition.refresh_from_db()
            assert (petition.state, petition.version) == (state, version), name
