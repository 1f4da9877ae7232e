"""Reads for the mediation pages and the town overview, always on a permission-scoped queryset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    MediationCase,
    MediationRoom,
    MediationSession,
    RoomMember,
)
from mediation.permissions import get_case_for_user, mediation_cases_visible_to, rooms_visible_to
from mediation.states import AGREEMENT_STATES, FAILED_STATES, CourtResult, Gender, Performance, State

MIN_MEMBERS, MAX_MEMBERS = 3, 9  # People's Mediation Law Art. 9


def room_composition_warnings(room: MediationRoom, *, on: date | None = None) -> list[str]:
    """What the law asks of a committee (Art. 9): three to nine members, a chair, a woman
    member. Shown as warnings on the room's page; nothing is refused."""
    on = on or timezone.localdate()
    members = list(RoomMember.objects.filter(room=room).serving(on))
    warnings = []
    if len(members) < MIN_MEMBERS:
        warnings.append(_("The room has %(count)s members; the law asks for at least 3.") % {"count": len(members)})
    if len(members) > MAX_MEMBERS:
        warnings.append(_("The room has %(count)s members; the law allows at most 9.") % {"count": len(members)})
    chairs = sum(1 for m in members if m.is_chair)
    if chairs == 0:
        warnings.append(_("The room has no chair."))
    elif chairs > 1:
        warnings.append(_("The room has %(count)s chairs; it should have one.") % {"count": chairs})
    if not any(m.gender == Gender.FEMALE for m in members):
        warnings.append(_("The room has no woman member."))
    return warnings


def room_members(room: MediationRoom, *, on: date | None = None) -> QuerySet[RoomMember]:
    """The members serving on the day, chair first: the 亮身份、亮职责、亮承诺 board."""
    return RoomMember.objects.filter(room=room).serving(on or timezone.localdate()).select_related("user")


def room_register(user, room: MediationRoom) -> QuerySet[MediationCase]:
    """A room's register of cases, newest first."""
    return (
        mediation_cases_visible_to(user)
        .filter(room=room)
        .select_related("room__village", "petition")
        .prefetch_related("parties")
    )


@dataclass(frozen=True)
class RoomFigures:
    room: MediationRoom
    cases: int
    agreed: int
    partly: int
    failed: int
    withdrawn: int
    open: int
    police_flagged: int
    average_days: float | None

    @property
    def concluded(self) -> int:
        return self.agreed + self.partly + self.failed + self.withdrawn

    @property
    def success_rate(self) -> float | None:
        """Agreements (full or partial) per concluded case."""
        return (self.agreed + self.partly) / self.concluded if self.concluded else None


def town_overview(user, *, start: date | None = None, end: date | None = None) -> list[RoomFigures]:
    """Per room: cases registered in the period, outcomes, success rate, average days from
    registration to the end of mediation. Two queries, whatever the number of rooms."""
    cases = mediation_cases_visible_to(user)
    if start is not None:
        cases = cases.filter(registered_at__date__gte=start)
    if end is not None:
        cases = cases.filter(registered_at__date__lte=end)
    rows = cases.values("room_id").annotate(
        total=Count("id"),
        agreed=Count("id", filter=Q(state=State.AGREED)),
        partly=Count("id", filter=Q(state=State.PARTLY_AGREED)),
        failed=Count("id", filter=Q(state__in=FAILED_STATES)),
        withdrawn=Count("id", filter=Q(state=State.WITHDRAWN)),
        open=Count("id", filter=Q(state__in=(State.REGISTERED, State.IN_MEDIATION))),
        flagged=Count("id", filter=Q(police_flagged_at__isnull=False)),
    )
    by_room = {row["room_id"]: row for row in rows}
    durations: dict[int, list[float]] = {}
    for room_id, registered, closed in cases.exclude(closed_at=None).values_list(
        "room_id", "registered_at", "closed_at"
    ):
        durations.setdefault(room_id, []).append((closed - registered).total_seconds() / 86400)
    figures = []
    for room in rooms_visible_to(user).select_related("village"):
        row = by_room.get(room.pk, {})
        spans = durations.get(room.pk)
        figures.append(
            RoomFigures(
                room=room,
                cases=row.get("total", 0),
                agreed=row.get("agreed", 0),
                partly=row.get("partly", 0),
                failed=row.get("failed", 0),
                withdrawn=row.get("withdrawn", 0),
                open=row.get("open", 0),
                police_flagged=row.get("flagged", 0),
                average_days=round(sum(spans) / len(spans), 1) if spans else None,
            )
        )
    return figures


def agreements_visible_to(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(case__in=mediation_cases_visible_to(user))


def agreements_awaiting_confirmation(user, *, on: date | None = None) -> QuerySet[Agreement]:
    """Agreements whose 30 days for judicial confirmation are still running and nobody has
    applied yet, the closest deadline first."""
    on = on or timezone.localdate()
    return (
        agreements_visible_to(user)
        .filter(court_result=CourtResult.NOT_REQUESTED, judicial_confirmation_due__gte=on)
        .select_related("case__room")
        .order_by("judicial_confirmation_due", "pk")
    )


def agreements_being_broken(user, *, on: date | None = None) -> QuerySet[Agreement]:
    """Agreements with an undertaking recorded as broken, or overdue and not yet performed."""
    on = on or timezone.localdate()
    overdue = Q(items__performance=Performance.PENDING, items__due__lt=on)
    return (
        agreements_visible_to(user)
        .filter(case__state__in=AGREEMENT_STATES)
        .filter(Q(items__performance=Performance.BROKEN) | overdue)
        .distinct()
        .select_related("case__room")
        .order_by("performance_deadline", "pk")
    )


def case_detail(user, number: str) -> MediationCase:
    """One case for its page or the API, with everything the page shows in a fixed number
    of queries; 404 outside the user's scope."""
    case = get_case_for_user(user, number)
    return (
        MediationCase.objects.select_related(
            "room__village", "petition", "referred_to", "registered_by", "police_flagged_by", "agreement"
        )
        .prefetch_related(
            "parties",
            Prefetch("mediators", queryset=RoomMember.objects.order_by("-is_chair", "sort", "id")),
            Prefetch("sessions", queryset=MediationSession.objects.select_related("recorded_by")),
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch("agreement__items", queryset=AgreementTerm.objects.select_related("party")),
        )
        .get(pk=case.pk)
    )
