"""Who sees which room and case, and who may do what: one helper per object, 404 outside it."""

from __future__ import annotations

import pytest
from django.http import Http404

from mediation import services as s
from mediation.models import MediationCase
from mediation.permissions import (
    can_act_on_case,
    can_register_case,
    can_see_full_identity,
    get_case_for_user,
    get_room_for_user,
    mediation_cases_visible_to,
    rooms_visible_to,
)
from mediation.states import Action, Gender, MemberKind, Source
from petitions.errors import NotAllowed
from tests.factories import UserFactory


@pytest.fixture
def case_a(new_case) -> MediationCase:
    return new_case()


@pytest.fixture
def case_b(new_case, rooms, members_b, desk_clerk) -> MediationCase:
    return new_case(room=rooms.b, actor=desk_clerk, mediators=members_b[:1])


@pytest.fixture
def mediator_b(town, village_b):
    from core.models import Role

    return UserFactory(username="mediator_b", full_name="钱和", role=Role.MEDIATOR, town=town, village=village_b)


def test_mediator_sees_only_their_own_villages_room_and_cases(mediator_a, rooms, case_a, case_b):
    assert list(rooms_visible_to(mediator_a)) == [rooms.a]
    assert list(mediation_cases_visible_to(mediator_a)) == [case_a]


def test_mediator_of_village_a_gets_404_for_village_bs_room_and_case(mediator_a, rooms, case_b):
    with pytest.raises(Http404):
        get_case_for_user(mediator_a, case_b.tracking_number)
    with pytest.raises(Http404):
        get_case_for_user(mediator_a, case_b.pk)
    with pytest.raises(Http404):
        get_room_for_user(mediator_a, rooms.b.pk)


def test_mediator_of_village_a_cannot_act_on_village_bs_case(mediator_a, case_b):
    assert not can_act_on_case(mediator_a, case_b, Action.SESSION)
    with pytest.raises(NotAllowed):
        s.mediation_case_add_note(case=case_b, actor=mediator_a, text="越权")
    with pytest.raises(NotAllowed):
        s.mediation_case_flag_police(case=case_b, actor=mediator_a, version=case_b.version, reason="越权")


def test_mediator_b_conducts_room_bs_case(mediator_b, case_b):
    case = s.mediation_session_record(
        case=case_b,
        actor=mediator_b,
        version=case_b.version,
        held_at=case_b.registered_at,
        present="双方",
        record="记录",
    ).case
    assert case.state == "in_mediation"


def test_a_mediator_cannot_register_in_another_villages_room(mediator_a, new_case, rooms):
    with pytest.raises(NotAllowed):
        new_case(room=rooms.b, mediators=())


def test_case_found_by_number_or_id(mediator_a, case_a):
    assert get_case_for_user(mediator_a, case_a.tracking_number) == case_a
    assert get_case_for_user(mediator_a, case_a.pk) == case_a
    assert get_case_for_user(mediator_a, str(case_a.pk)) == case_a


@pytest.mark.parametrize("persona", ["desk_clerk", "leader", "administrator", "inspector"])
def test_town_staff_see_every_room_of_the_town(persona, request, rooms, case_a, case_b):
    user = request.getfixturevalue(persona)
    assert set(rooms_visible_to(user)) == {rooms.a, rooms.b}
    assert set(mediation_cases_visible_to(user)) == {case_a, case_b}


@pytest.mark.parametrize("persona", ["grid_worker_a", "village_agent_a"])
def test_village_staff_see_their_villages_cases(persona, request, rooms, case_a, case_b):
    user = request.getfixturevalue(persona)
    assert list(rooms_visible_to(user)) == [rooms.a]
    assert list(mediation_cases_visible_to(user)) == [case_a]
    with pytest.raises(Http404):
        get_case_for_user(user, case_b.tracking_number)


def test_handlers_see_only_cases_referred_to_their_unit(handler, units, new_case, walk, act, mediator_a, case_b):
    assert not mediation_cases_visible_to(handler).exists()
    centre = units.zongzhi.__class__.objects.get(name="矛盾纠纷调处中心")
    centre.members.add(handler)
    referred = act("refer", walk(new_case(), "failed"), mediator_a)
    assert list(mediation_cases_visible_to(handler)) == [referred]
    assert not can_act_on_case(handler, referred, Action.NOTE)


def test_anonymous_and_other_towns_see_nothing(case_a, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    from core.models import Role
    from tests.factories import TownFactory

    assert not mediation_cases_visible_to(AnonymousUser()).exists()
    assert not rooms_visible_to(AnonymousUser()).exists()
    other_town = TownFactory(code="341502106", name="三十铺镇", tracking_prefix="SSP")
    stranger = UserFactory(username="other_clerk", role=Role.DESK_CLERK, town=other_town)
    assert not mediation_cases_visible_to(stranger).exists()
    with pytest.raises(Http404):
        get_case_for_user(stranger, case_a.tracking_number)


# The permission matrix: role × action → allowed, on a case of village A.
CONDUCT = {"assign", "session", "agree", "fail", "follow_up", "court_apply", "court_result"}
ROOM_OR_TOWN = {"withdraw", "return_to_desk", "refer"}
ANY_WORKER = {"flag_police", "note"}
TOWN_STAFF = ROOM_OR_TOWN | ANY_WORKER | {"register"}
MATRIX = {
    "mediator_a": CONDUCT | TOWN_STAFF,
    "desk_clerk": TOWN_STAFF,
    "leader": TOWN_STAFF,
    "administrator": TOWN_STAFF,
    "grid_worker_a": ANY_WORKER | {"register"},
    "village_agent_a": ANY_WORKER | {"register"},
    "grid_worker_b": set(),
    "inspector": set(),
    "handler": set(),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_permission_matrix(persona, request, case_a):
    user = request.getfixturevalue(persona)
    allowed = {action for action in Action if can_act_on_case(user, case_a, action)}
    assert allowed == MATRIX[persona]
    assert can_register_case(user, case_a.room) == ("register" in MATRIX[persona])


def test_full_identity_on_the_agreement_is_for_the_room_and_the_town(case_a, mediator_a, desk_clerk, grid_worker_a):
    assert can_see_full_identity(mediator_a, case_a)
    assert can_see_full_identity(desk_clerk, case_a)
    assert not can_see_full_identity(grid_worker_a, case_a)


def test_grid_worker_refers_a_risk_found_on_patrol_to_the_villages_room(new_case, grid_worker_a):
    case = new_case(actor=grid_worker_a, source=Source.PATROL_RISK, mediators=())
    assert case.registered_by == grid_worker_a


def test_room_members_are_kept_by_the_room_and_the_town(rooms, mediator_a, grid_worker_a, leader):
    member = s.room_member_add(
        room=rooms.a, actor=leader, name="赵大姐", kind=MemberKind.RESPECTED_LOCAL, gender=Gender.FEMALE
    )
    assert member.room == rooms.a
    with pytest.raises(NotAllowed):
        s.room_member_add(room=rooms.a, actor=grid_worker_a, name="某", kind=MemberKind.RESPECTED_LOCAL, gender="male")
    with pytest.raises(NotAllowed):
        s.room_member_add(room=rooms.b, actor=mediator_a, name="某", kind=MemberKind.RESPECTED_LOCAL, gender="male")
