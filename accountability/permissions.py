"""Who sees meetings, supervisions and accountability records, and who may change them
(CONVENTIONS.md §6). Accusations (检举控告) never reach the unit or person accused (Art. 30):
anything tied to one is seen by the discipline inspectors only."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accountability.models import AccountabilityRecord, Decision, Meeting, Supervision
from accountability.states import DecisionState
from core.models import Role
from petitions.models import HandlingUnit, Petition
from petitions.states import Kind

MEETING_STAFF = frozenset({Role.DESK_CLERK, Role.LEADER, Role.ADMIN})
MEETING_READERS = MEETING_STAFF | {Role.INSPECTOR}


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def _in_town(queryset: QuerySet, user) -> QuerySet:
    return queryset if user.town_id is None else queryset.filter(town_id=user.town_id)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Town staff, leaders and inspectors see the town's meetings; anyone else the meetings
    they attend."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    meetings = _in_town(Meeting.objects.all(), user)
    if _role(user) in MEETING_READERS:
        return meetings
    return meetings.filter(attendees=user).distinct()


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """Plan, set the agenda, record decisions: the desk, leaders, administrators, the secretary."""
    if not user.is_authenticated or (user.town_id is not None and user.town_id != meeting.town_id):
        return False
    return _role(user) in MEETING_STAFF or meeting.secretary_id == user.pk


def can_plan_meeting(user, town) -> bool:
    return user.is_authenticated and _role(user) in MEETING_STAFF and user.town_id in (None, town.pk)


def get_meeting_for_user(user, pk: int) -> Meeting:
    meeting = meetings_visible_to(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _accusations() -> QuerySet[Petition]:
    return Petition.objects.filter(kind=Kind.ACCUSATION)


def supervisions_visible_to(user) -> QuerySet[Supervision]:
    """Inspectors: all of the town. Leaders: all but those tied to an accusation. Members of
    a unit: their unit's, but never one tied to an accusation."""
    if not user.is_authenticated:
        return Supervision.objects.none()
    role = _role(user)
    supervisions = _in_town(Supervision.objects.all(), user)
    if role == Role.INSPECTOR:
        return supervisions
    supervisions = supervisions.exclude(petition__kind=Kind.ACCUSATION)
    if role in (Role.LEADER, Role.ADMIN):
        return supervisions
    mine = HandlingUnit.objects.filter(members=user)
    if user.village_id is not None and role == Role.VILLAGE_AGENT:
        mine = HandlingUnit.objects.filter(Q(members=user) | Q(village_id=user.village_id))
    return supervisions.filter(unit__in=mine)


def get_supervision_for_user(user, pk: int) -> Supervision:
    supervision = supervisions_visible_to(user).filter(pk=pk).first()
    if supervision is None:
        raise Http404
    return supervision


def can_open_supervision(user) -> bool:
    return user.is_authenticated and _role(user) == Role.INSPECTOR


def can_reply_supervision(user, supervision: Supervision) -> bool:
    """A member of the supervised unit who may see the supervision."""
    if not supervisions_visible_to(user).filter(pk=supervision.pk).exists():
        return False
    if _role(user) == Role.VILLAGE_AGENT and supervision.unit.village_id == user.village_id:
        return True
    return supervision.unit.members.filter(pk=user.pk).exists()


def accountability_records_visible_to(user) -> QuerySet[AccountabilityRecord]:
    """Inspectors: every record of the town. Leaders: those linked to no accusation.
    Nobody else."""
    if not user.is_authenticated:
        return AccountabilityRecord.objects.none()
    role = _role(user)
    records = _in_town(AccountabilityRecord.objects.all(), user)
    if role == Role.INSPECTOR:
        return records
    if role == Role.LEADER:
        secret = Exists(
            AccountabilityRecord.petitions.through.objects.filter(
                accountabilityrecord_id=OuterRef("pk"), petition__kind=Kind.ACCUSATION
            )
        )
        return records.exclude(secret).exclude(supervision__petition__kind=Kind.ACCUSATION)
    return records.none()


def can_record_accountability(user) -> bool:
    return user.is_authenticated and _role(user) == Role.INSPECTOR


# --- Decisions, candidates, tracing and the leader's page ---------------------------------------


def decisions_visible_to(user) -> QuerySet[Decision]:
    """Meeting decisions: town staff, leaders and inspectors see the town's; a unit's staff
    the decisions their unit carries out; anyone the decisions they answer for. Never one of
    an accusation but for inspectors (none should exist: accusations never reach an agenda)."""
    if not user.is_authenticated:
        return Decision.objects.none()
    role = _role(user)
    decisions = Decision.objects.all()
    if user.town_id is not None:
        decisions = decisions.filter(item__meeting__town_id=user.town_id)
    if role == Role.INSPECTOR:
        return decisions
    decisions = decisions.exclude(item__petition__kind=Kind.ACCUSATION)
    if role in MEETING_STAFF:
        return decisions
    mine = HandlingUnit.objects.filter(members=user)
    if user.village_id is not None and role == Role.VILLAGE_AGENT:
        mine = HandlingUnit.objects.filter(Q(members=user) | Q(village_id=user.village_id))
    return decisions.filter(Q(unit__in=mine) | Q(leader=user))


def get_decision_for_user(user, pk: int) -> Decision:
    decision = decisions_visible_to(user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


def can_report_on_decision(user, decision: Decision, *, unit_ids: set[int] | None = None) -> bool:
    """Mark a decision carried out or not: the desk and leaders of the town, the responsible
    leader, a member of the responsible unit (the rule of the service). A list passes the
    user's ``unit_ids`` once instead of a query per row."""
    if not user.is_authenticated or decision.state != DecisionState.PENDING:
        return False
    if _role(user) in MEETING_STAFF:
        return user.town_id in (None, decision.item.meeting.town_id)
    if decision.leader_id == user.pk:
        return True
    if decision.unit_id is None:
        return False
    if unit_ids is not None:
        return decision.unit_id in unit_ids
    return decision.unit.members.filter(pk=user.pk).exists()


CANDIDATE_READERS = frozenset({Role.INSPECTOR, Role.LEADER})


def can_see_candidates(user) -> bool:
    """The discipline committee's list: inspectors, and leaders read-only (their list leaves
    out accusations: it is built over the cases they may see)."""
    return user.is_authenticated and _role(user) in CANDIDATE_READERS


def can_trace_responsibility(user) -> bool:
    """Responsibility tracing (责任倒查): inspectors and leaders, on cases they may see."""
    return user.is_authenticated and _role(user) in CANDIDATE_READERS


def can_read_discipline(user) -> bool:
    """The supervision and accountability-record pages as a whole: inspectors and leaders;
    a unit's staff reach the supervisions of their unit one by one."""
    return user.is_authenticated and _role(user) in CANDIDATE_READERS


def has_leader_page(user) -> bool:
    return user.is_authenticated and _role(user) == Role.LEADER
