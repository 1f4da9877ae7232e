"""Who sees meetings, supervisions and accountability records, and who may change them
(CONVENTIONS.md §6). Accusations (检举控告) never reach the unit or person accused (Art. 30):
anything tied to one is seen by the discipline inspectors only."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accountability.models import AccountabilityRecord, Meeting, Supervision
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
