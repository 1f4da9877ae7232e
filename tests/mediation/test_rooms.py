"""The rooms and their members: one room per village, the law's composition rules as warnings."""

from __future__ import annotations

from datetime import date

import pytest

from mediation import services as s
from mediation.models import MediationRoom, RoomMember
from mediation.selectors import room_composition_warnings, room_members
from mediation.states import Gender, MemberKind
from petitions.errors import InvalidInput
from tests.mediation.conftest import add_member


def test_every_village_gets_one_room_named_after_it(town, village_a, village_b):
    rooms = s.rooms_ensure(town=town)
    assert sorted(room.name for room in rooms) == ["东河口村睦邻调解室", "长岭村睦邻调解室"]
    renamed = MediationRoom.objects.get(village=village_a)
    renamed.name = "东河口村人民调解委员会"
    renamed.save()
    assert len(s.rooms_ensure(town=town)) == 2
    assert MediationRoom.objects.get(village=village_a).name == "东河口村人民调解委员会"


def test_a_well_composed_room_has_no_warnings(rooms, members_a):
    assert room_composition_warnings(rooms.a) == []


def test_an_empty_room_warns_of_everything_the_law_asks(rooms):
    warnings = room_composition_warnings(rooms.a)
    assert len(warnings) == 3  # too few members, no chair, no woman
    assert any("3" in w for w in warnings)


def test_too_many_members_and_two_chairs_warn_but_are_kept(rooms, members_a):
    for n in range(7):
        add_member(rooms.a, f"委员{n}", is_chair=n == 0)
    warnings = room_composition_warnings(rooms.a)
    assert len(warnings) == 2
    assert any("9" in w for w in warnings)
    assert RoomMember.objects.filter(room=rooms.a).count() == 10


def test_a_room_without_a_woman_member_warns(rooms):
    add_member(rooms.a, "甲", is_chair=True)
    add_member(rooms.a, "乙")
    add_member(rooms.a, "丙")
    assert len(room_composition_warnings(rooms.a)) == 1


def test_members_whose_term_ended_do_not_count(rooms, members_a, leader):
    woman = members_a[1]
    s.room_member_end_term(member=woman, actor=leader, on=date(2025, 12, 31))
    assert len(room_composition_warnings(rooms.a, on=date(2026, 1, 1))) == 2  # too few, no woman
    assert room_composition_warnings(rooms.a, on=date(2025, 12, 31)) == []
    assert woman not in room_members(rooms.a, on=date(2026, 1, 1))


def test_member_phone_is_validated_normalised_and_masked(rooms, leader):
    member = s.room_member_add(
        room=rooms.a,
        actor=leader,
        name="王秀兰",
        kind=MemberKind.LEGAL_WORKER,
        gender=Gender.FEMALE,
        phone="139 1234 5678",
        duty="提供法律咨询",
        commitment="公道正派",
    )
    assert member.phone == "13912345678"
    assert member.masked_phone == "139****5678"
    with pytest.raises(InvalidInput):
        s.room_member_add(
            room=rooms.a, actor=leader, name="某", kind=MemberKind.LEGAL_WORKER, gender="male", phone="12"
        )


def test_a_members_account_belongs_to_the_rooms_village(rooms, leader, grid_worker_b):
    with pytest.raises(InvalidInput):
        s.room_member_add(
            room=rooms.a, actor=leader, name="李军", kind=MemberKind.GROUP_LEADER, gender="male", user=grid_worker_b
        )


def test_chair_is_listed_first(rooms, members_a):
    assert room_members(rooms.a)[0].is_chair
