"""Who may see a petition and who may act on it. Every page, API endpoint and service uses
these two helpers and nothing else (CONVENTIONS.md §6)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from core.models import Role
from petitions.models import HandlingUnit, Petition
from petitions.states import Action, Kind, Mode

TOWN_WIDE = frozenset({Role.DESK_CLERK, Role.LEADER, Role.ADMIN})
ROUTING = frozenset({Action.ACCEPT, Action.ASSIGN, Action.TRANSFER, Action.REJECT})


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def petitions_visible_to(user) -> QuerySet[Petition]:
    """Accusations (检举控告) reach the discipline inspectors only (Art. 30); village staff
    see their village's petitions; unit staff see their unit's; town staff see the town's."""
    if not user.is_authenticated:
        return Petition.objects.none()
    role = _role(user)
    petitions = Petition.objects.all() if user.town_id is None else Petition.objects.filter(town_id=user.town_id)
    if role == Role.INSPECTOR:
        return petitions
    petitions = petitions.exclude(kind=Kind.ACCUSATION)
    if role in TOWN_WIDE:
        return petitions
    if role in (Role.GRID_WORKER, Role.VILLAGE_AGENT):
        return petitions.filter(Q(village_id=user.village_id) | Q(unit__village_id=user.village_id))
    if role == Role.HANDLER:
        return petitions.filter(Q(unit__in=HandlingUnit.objects.filter(members=user)) | Q(handler=user))
    return petitions.none()


def get_petition_for_user(user, tracking_number: str, *, for_update: bool = False) -> Petition:
    """One petition the user may see, or 404 — never 403, so numbers do not leak."""
    petitions = petitions_visible_to(user)
    if for_update:
        # Lock the petition row only: a village scope joins the handling unit with a LEFT JOIN,
        # and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        petitions = petitions.select_for_update(of=("self",))
    petition = petitions.filter(tracking_number=tracking_number).first()
    if petition is None:
        raise Http404
    return petition


def _in_unit(user, petition: Petition) -> bool:
    if petition.unit_id is None:
        return False
    if petition.unit.village_id is not None and user.role == Role.VILLAGE_AGENT:
        return petition.unit.village_id == user.village_id
    # The case page asks once per action; remember the answer on this petition object.
    memo = petition.__dict__.setdefault("_unit_membership", {})
    key = (petition.unit_id, user.pk)
    if key not in memo:
        memo[key] = petition.unit.members.filter(pk=user.pk).exists()
    return memo[key]


def can_act(user, petition: Petition, action: str) -> bool:
    """Role and scope for one action; the state is the lifecycle table's business.
    The caller has already checked that the user may see the petition."""
    role = _role(user)
    if petition.kind == Kind.ACCUSATION:
        # The discipline committee handles accusations from end to end (Art. 22): they are
        # assigned to it, never accepted by the reception centre, and it cannot object to them.
        return role == Role.INSPECTOR and action not in (Action.ACCEPT, Action.OBJECT, Action.SET_RESPONSIBLE)
    if action in ROUTING:
        return role in (Role.DESK_CLERK, Role.LEADER)
    if action in (Action.REFER_MEETING, Action.MEETING_DECISION, Action.SET_RESPONSIBLE):
        return role in (Role.DESK_CLERK, Role.LEADER)  # the meeting's secretary or chair records it
    if action == Action.OBJECT:
        return petition.mode == Mode.ASSIGNED and _in_unit(user, petition)
    if action == Action.ESCALATE:
        return petition.unit_id is not None and petition.unit.village_id is not None and _in_unit(user, petition)
    if action in (Action.NOTIFY, Action.REPLY):
        return (
            petition.handler_id == user.pk
            or petition.responsible_leader_id == user.pk
            or (role == Role.DESK_CLERK and petition.mode == Mode.DIRECT)
            or _in_unit(user, petition)
        )
    if action == Action.EXTEND:
        return role == Role.LEADER or (petition.unit_id is not None and petition.unit.head_id == user.pk)
    if action == Action.FOLLOW_UP:
        if role in (Role.DESK_CLERK, Role.LEADER):
            return True
        return role in (Role.GRID_WORKER, Role.VILLAGE_AGENT) and petition.village_id == user.village_id
    if action in (Action.REQUEST_REVIEW, Action.REQUEST_RE_REVIEW, Action.LINK_REPEAT):
        return role == Role.DESK_CLERK
    if action in (Action.ANSWER_REVIEW, Action.ANSWER_RE_REVIEW):
        return role == Role.LEADER
    if action in (Action.NOTE, Action.ATTACH):
        return role != Role.MEDIATOR
    return False


REGISTERING = frozenset({Role.DESK_CLERK, Role.LEADER, Role.GRID_WORKER, Role.VILLAGE_AGENT, Role.INSPECTOR})
REVEALING = frozenset({Role.DESK_CLERK, Role.LEADER, Role.INSPECTOR, Role.HANDLER})


def can_register(user) -> bool:
    """Who logs petitions: the desk, leaders on reception days, village staff, inspectors."""
    return user.is_authenticated and user.town_id is not None and _role(user) in REGISTERING


# Accusations are taken at the township: the desk, a leader on reception day, the inspectors.
# Village staff send the accuser to the desk or the online mailbox: the accused is often a
# village cadre, and the village must not learn who accused whom (Art. 30).
ACCUSATION_REGISTERING = frozenset({Role.DESK_CLERK, Role.LEADER, Role.INSPECTOR})


def can_register_accusation(user) -> bool:
    return can_register(user) and _role(user) in ACCUSATION_REGISTERING


def can_reveal(user, petition: Petition) -> bool:
    """Who may see a petitioner's full phone and ID number (each look is logged)."""
    if petition.kind == Kind.ACCUSATION:
        return _role(user) == Role.INSPECTOR
    return _role(user) in REVEALING
