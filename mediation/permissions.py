"""Who may see a mediation room or case and who may act on it. Every page, API endpoint
and service uses these helpers and nothing else (CONVENTIONS.md §6).

- Mediators: their own village's room, every case of it; they conduct the mediation.
- Desk clerks, leaders, administrators: every room of the town; they register disputes
  (from petitions), hand failed cases on, record a party's withdrawal, report to the police.
- Grid workers and village agents: their village's room; they refer what they find on
  patrol, report to the police and add notes, but do not conduct the mediation.
- Discipline inspectors: every room of the town, read-only.
- Handling-unit staff: the cases referred to their unit (the dispute mediation centre), read-only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.models import Role
from mediation.models import MediationCase, MediationRoom
from mediation.states import Action

TOWN_WIDE = frozenset({Role.DESK_CLERK, Role.LEADER, Role.ADMIN})
READ_TOWN = frozenset({*TOWN_WIDE, Role.INSPECTOR})
VILLAGE_STAFF = frozenset({Role.GRID_WORKER, Role.VILLAGE_AGENT})

# Conducting the mediation belongs to the room's own mediators.
CONDUCT = frozenset(
    {
        Action.ASSIGN,
        Action.SESSION,
        Action.AGREE,
        Action.FAIL,
        Action.FOLLOW_UP,
        Action.COURT_APPLY,
        Action.COURT_RESULT,
    }
)
# The room or the town: hand a failed case on; record that a party ended the mediation.
ROOM_OR_TOWN = frozenset({Action.RETURN_TO_DESK, Action.REFER, Action.WITHDRAW})
# Anybody working on the village's disputes.
ANY_WORKER = frozenset({Action.FLAG_POLICE, Action.NOTE})


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def rooms_visible_to(user) -> QuerySet[MediationRoom]:
    if not user.is_authenticated:
        return MediationRoom.objects.none()
    role = _role(user)
    rooms = MediationRoom.objects.all()
    if user.town_id is not None:
        rooms = rooms.filter(village__town_id=user.town_id)
    if role in READ_TOWN:
        return rooms
    if role == Role.MEDIATOR or role in VILLAGE_STAFF:
        return rooms.filter(village_id=user.village_id)
    return rooms.none()


def mediation_cases_visible_to(user) -> QuerySet[MediationCase]:
    if not user.is_authenticated:
        return MediationCase.objects.none()
    role = _role(user)
    cases = MediationCase.objects.all()
    if user.town_id is not None:
        cases = cases.filter(room__village__town_id=user.town_id)
    if role in READ_TOWN:
        return cases
    if role == Role.MEDIATOR or role in VILLAGE_STAFF:
        return cases.filter(room__village_id=user.village_id)
    if role == Role.HANDLER:
        from petitions.models import HandlingUnit

        return cases.filter(referred_to__in=HandlingUnit.objects.filter(members=user))
    return cases.none()


def get_room_for_user(user, pk: int) -> MediationRoom:
    room = rooms_visible_to(user).filter(pk=pk).select_related("village").first()
    if room is None:
        raise Http404
    return room


def get_case_for_user(user, pk_or_number: int | str) -> MediationCase:
    """One case the user may see, by id or case number, or 404 — never 403, so numbers do not leak."""
    cases = mediation_cases_visible_to(user).select_related("room__village")
    if isinstance(pk_or_number, int) or str(pk_or_number).isdigit():
        case = cases.filter(pk=int(pk_or_number)).first()
    else:
        case = cases.filter(tracking_number=pk_or_number).first()
    if case is None:
        raise Http404
    return case


def _own_room(user, room: MediationRoom) -> bool:
    return _role(user) == Role.MEDIATOR and user.village_id == room.village_id


def _town_staff(user, room: MediationRoom) -> bool:
    return _role(user) in TOWN_WIDE and user.town_id in (None, room.village.town_id)


def _village_staff(user, room: MediationRoom) -> bool:
    return _role(user) in VILLAGE_STAFF and user.village_id == room.village_id


def can_register_case(user, room: MediationRoom) -> bool:
    """Who may bring a dispute to a room: its mediators, the town's staff, the village's staff."""
    if not user.is_authenticated:
        return False
    return _own_room(user, room) or _town_staff(user, room) or _village_staff(user, room)


def can_manage_room(user, room: MediationRoom) -> bool:
    """Who keeps a room's register of members: its mediators and the town's staff."""
    if not user.is_authenticated:
        return False
    return _own_room(user, room) or _town_staff(user, room)


def can_act_on_case(user, case: MediationCase, action: str) -> bool:
    """Role and scope for one action; the state is the lifecycle table's business."""
    if not user.is_authenticated:
        return False
    room = case.room
    if action in CONDUCT:
        return _own_room(user, room)
    if action in ROOM_OR_TOWN:
        return _own_room(user, room) or _town_staff(user, room)
    if action in ANY_WORKER:
        return _own_room(user, room) or _town_staff(user, room) or _village_staff(user, room)
    if action == Action.REGISTER:
        return can_register_case(user, room)
    return False


def can_see_full_identity(user, case: MediationCase) -> bool:
    """Who may print the agreement with full ID card numbers and phones (the copy the parties
    sign and may take to court): the room's mediators and the town's staff."""
    return _own_room(user, case.room) or _town_staff(user, case.room)
