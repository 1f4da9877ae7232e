"""Reads: agenda proposals, the discipline committee's candidates list and responsibility
tracing (责任倒查)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accountability.models import AgendaItem, Decision, Meeting
from accountability.states import (
    DISPUTE_MIN_RETURNS,
    OVERDUE_THRESHOLD_DAYS,
    AgendaReason,
    CandidateRule,
    DecisionState,
    Level,
    MeetingState,
)
from petitions import clocks
from petitions.models import HandlingUnit, Petition
from petitions.permissions import petitions_visible_to
from petitions.states import OPEN_STATES, Action, Kind, Satisfaction, State

CASE_STATES = (State.REGISTERED, State.HANDLING, State.REPLIED)


@dataclass(frozen=True)
class Proposal:
    petition: Petition
    reason: str


def agenda_proposals(meeting: Meeting, *, today: date | None = None) -> list[Proposal]:
    """What the rules put on a meeting's agenda, each case once, with its first reason.

    Town meetings: escalated cases, key matters, cases overdue beyond the threshold and cases
    the units dispute (Art. 24). District meetings: what town meetings sent on. Never an
    accusation (the discipline committee's alone), nor a case already on a planned agenda
    of the same level or under a decision still being carried out."""
    today = today or timezone.localdate()
    if meeting.level == Level.DISTRICT:
        sent = Decision.objects.filter(
            state=DecisionState.SENT_TO_DISTRICT,
            district_item__isnull=True,
            item__meeting__town_id=meeting.town_id,
        ).exclude(item__petition__agenda_items__meeting=meeting)
        petitions = (
            Petition.objects.filter(pk__in=sent.values("item__petition_id"))
            .select_related("village")
            .order_by("registered_at", "id")
        )
        return [Proposal(petition=p, reason=AgendaReason.FROM_TOWN) for p in petitions]
    on_agenda = AgendaItem.objects.filter(petition=OuterRef("pk"), meeting__level=meeting.level).filter(
        Q(meeting=meeting) | Q(meeting__state=MeetingState.PLANNED)
    )
    decided = Decision.objects.filter(item__petition=OuterRef("pk"), state=DecisionState.PENDING)
    overdue_before = today - timedelta(days=OVERDUE_THRESHOLD_DAYS)
    rules = [
        (AgendaReason.ESCALATED, Q(origin="escalated", state__in=(State.REGISTERED, State.HANDLING))),
        (AgendaReason.KEY_MATTER, Q(is_key_matter=True)),
        (AgendaReason.OVERDUE, Q(next_due__lt=overdue_before)),
        (AgendaReason.DISPUTE, Q(return_count__gte=DISPUTE_MIN_RETURNS)),
    ]
    any_rule = Q()
    for _reason, condition in rules:
        any_rule |= condition
    petitions = (
        Petition.objects.filter(town_id=meeting.town_id, state__in=CASE_STATES)
        .exclude(kind=Kind.ACCUSATION)
        .exclude(Exists(on_agenda))
        .exclude(Exists(decided))
        .filter(any_rule)
        .select_related("village")
        .order_by("registered_at", "id")
    )
    proposals = []
    for petition in petitions:
        for reason, _condition in rules:
            if _matches(petition, reason, overdue_before):
                proposals.append(Proposal(petition=petition, reason=reason))
                break
    return proposals


def _matches(petition: Petition, reason: str, overdue_before: date) -> bool:
    if reason == AgendaReason.ESCALATED:
        return petition.origin == "escalated" and petition.state in (State.REGISTERED, State.HANDLING)
    if reason == AgendaReason.KEY_MATTER:
        return petition.is_key_matter
    if reason == AgendaReason.OVERDUE:
        return petition.next_due is not None and petition.next_due < overdue_before
    return petition.return_count >= DISPUTE_MIN_RETURNS


def next_district_meeting(town, *, today: date) -> Meeting | None:
    return (
        Meeting.objects.filter(town=town, level=Level.DISTRICT, state=MeetingState.PLANNED, date__gte=today)
        .order_by("date", "id")
        .first()
    )


# --- The discipline committee's candidates list -----------------------------------------------


@dataclass(frozen=True)
class Candidate:
    rule: str
    petition: Petition
    detail: str = ""
    decision: Decision | None = None


def candidates(user, *, today: date | None = None, since: date | None = None) -> list[Candidate]:
    """Cases the discipline committee should look at, each with the rule that names it: one
    query per rule over the cases the user may see (inspectors: all, accusations included)."""
    return candidates_in(petitions_visible_to(user), today=today, since=since)


def candidates_in(
    cases: QuerySet[Petition], *, today: date | None = None, since: date | None = None
) -> list[Candidate]:
    """The rules over ``cases`` (one query per rule): the daily list runs them over the whole
    town, the page over what the user may see."""
    today = today or timezone.localdate()
    cases = cases.select_related("unit", "responsible_leader")
    recent = Q() if since is None else Q(registered_at__date__gte=since)
    found: list[Candidate] = []
    for petition in cases.filter(recent, state__in=(*CASE_STATES, State.UNDER_REVIEW, State.UNDER_RE_REVIEW)).filter(
        next_due__lt=today
    ):
        found.append(Candidate(CandidateRule.OVERDUE, petition, str(petition.next_due)))
    late_notice = Q(state=State.HANDLING, notified_at__isnull=True, notify_due__lt=today) | Q(
        notified_at__date__gt=F("notify_due")
    )
    for petition in cases.filter(recent).filter(late_notice):
        found.append(Candidate(CandidateRule.LATE_NOTICE, petition, str(petition.notify_due)))
    for petition in cases.filter(recent, satisfaction=Satisfaction.DISSATISFIED):
        found.append(Candidate(CandidateRule.DISSATISFIED, petition))
    for petition in cases.filter(recent, redo_count__gt=0):
        found.append(Candidate(CandidateRule.REDO, petition, str(petition.redo_count)))
    for petition in cases.filter(recent, is_repeat=True):
        found.append(Candidate(CandidateRule.REPEAT, petition))
    late = (
        Decision.objects.filter(item__petition__in=cases.filter(recent))
        .filter(Q(state=DecisionState.NOT_DONE) | Q(state=DecisionState.PENDING, deadline__lt=today))
        .select_related("item__petition", "item__meeting", "unit", "leader")
    )
    for decision in late:
        found.append(
            Candidate(CandidateRule.DECISION_NOT_DONE, decision.item.petition, str(decision.deadline), decision)
        )
    return found


def decisions_of(queryset: QuerySet[Decision], *, state: str | None = None) -> QuerySet[Decision]:
    return queryset if state is None else queryset.filter(state=state)


# --- Responsibility tracing (责任倒查) -----------------------------------------------------------


@dataclass
class Holding:
    """Who held the case from ``start`` to ``end`` (None: still), and the deadlines missed."""

    start: datetime
    end: datetime | None
    action: str
    unit: HandlingUnit | None = None
    handler: object = None
    leader: object = None
    actors: list = field(default_factory=list)
    deadlines: dict[str, date] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)


START = {Action.REGISTER, Action.OBJECT, Action.ESCALATE, Action.ACCEPT, Action.ASSIGN, Action.MEETING_DECISION}
HANDLERS = {Action.NOTIFY, Action.EXTEND, Action.REPLY, Action.OBJECT, Action.ESCALATE}


def responsibility_chain(petition: Petition, *, today: date | None = None) -> list[Holding]:
    """From the petition's timeline: the desk while it waits to be routed, then each unit
    (with its handler and responsible leader) from assignment until it replied, objected,
    escalated or was reassigned; a redo opens a new period. For each period the deadlines in
    force and which of them it missed."""
    today = today or timezone.localdate()
    entries = list(petition.timeline.select_related("actor").order_by("at", "id"))
    units = list(HandlingUnit.objects.filter(town_id=petition.town_id).order_by("-name"))
    decisions = list(
        Decision.objects.filter(item__petition=petition)
        .exclude(state=DecisionState.SENT_TO_DISTRICT)
        .select_related("unit", "leader")
        .order_by("decided_at", "id")
    )
    chain: list[Holding] = []
    current: Holding | None = None
    for entry in entries:
        redo = entry.action == Action.FOLLOW_UP and entry.to_state == State.HANDLING
        if entry.action in START or redo:
            if current is not None:
                current.end = entry.at
                if entry.action in (Action.OBJECT, Action.ESCALATE) and entry.actor is not None:
                    current.actors.append(entry.actor)  # the unit that handed it back
            current = Holding(start=entry.at, end=None, action=entry.action)
            _holder(current, entry, petition, units, decisions, chain)
            chain.append(current)
            continue
        if current is None:
            continue
        if entry.actor is not None and entry.action in HANDLERS | {Action.FOLLOW_UP}:
            current.actors.append(entry.actor)
        if entry.action == Action.NOTIFY:
            current.deadlines.setdefault("notified_at", entry.at)
        if entry.action == Action.EXTEND and "handle" in current.deadlines:
            current.deadlines["handle"] += timedelta(days=petition.extension_days)
        ends = entry.to_state in (State.REPLIED, State.TRANSFERRED, State.NOT_ACCEPTED, State.CLOSED, State.FINAL)
        if ends and entry.from_state in (State.HANDLING, State.REGISTERED):
            current.end = entry.at
    if chain and chain[-1].end is None and petition.state in (State.REGISTERED, State.HANDLING):
        last = chain[-1]
        last.unit = last.unit or petition.unit
        last.handler = petition.handler
        last.leader = last.leader or petition.responsible_leader
    for holding in chain:
        _missed(holding, today)
    return chain


def _holder(holding: Holding, entry, petition, units, decisions, chain) -> None:
    start = timezone.localdate(entry.at)
    if entry.action in (Action.REGISTER, Action.OBJECT, Action.ESCALATE):
        holding.deadlines["route"] = clocks.due(clocks.Key.ROUTE, start)
        return
    if entry.action == Action.MEETING_DECISION:
        decision = next((d for d in decisions if abs((d.decided_at - entry.at).total_seconds()) < 60), None)
        if decision is not None:
            holding.unit, holding.leader = decision.unit, decision.leader
            holding.deadlines["decision"] = decision.deadline
        return
    if entry.action == Action.FOLLOW_UP:
        previous = chain[-1] if chain else None
        if previous is not None:
            holding.unit, holding.leader = previous.unit, previous.leader
        holding.deadlines["redo"] = clocks.due(clocks.Key.REDO, start)
        return
    holding.unit = next((u for u in units if u.name and u.name in entry.note), None)
    holding.deadlines["notify"] = clocks.due(clocks.Key.NOTIFY, start)
    holding.deadlines["handle"] = clocks.handle_due(start, upstream_due=petition.upstream_due)


def _missed(holding: Holding, today: date) -> None:
    end = timezone.localdate(holding.end) if holding.end is not None else today
    notified = holding.deadlines.pop("notified_at", None)
    for key, deadline in holding.deadlines.items():
        if key == "notify":
            when = timezone.localdate(notified) if notified is not None else end
            if when > deadline:
                holding.missed.append(key)
        elif deadline is not None and end > deadline:
            holding.missed.append(key)


# --- Dashboards ----------------------------------------------------------------------------------


def listed_supervisions(user) -> QuerySet:
    """Listed supervisions (挂牌督办) still open, for the leaders' dashboard."""
    from accountability.permissions import supervisions_visible_to
    from accountability.states import SupervisionState

    return (
        supervisions_visible_to(user)
        .filter(listed=True)
        .exclude(state=SupervisionState.CLOSED)
        .select_related("unit", "petition")
        .order_by("rectify_by", "id")
    )


def decisions_to_carry_out(user) -> QuerySet[Decision]:
    """The meeting decisions a leader answers for that are still being carried out."""
    return (
        Decision.objects.filter(leader=user, state=DecisionState.PENDING)
        .exclude(item__petition__kind=Kind.ACCUSATION)
        .select_related("item__petition", "item__meeting", "unit")
        .order_by("deadline", "id")
    )


# --- Pages ---------------------------------------------------------------------------------------


def meeting_list(user, *, level: str | None = None) -> QuerySet[Meeting]:
    """The meetings the user may see, with how many items each has and how many of its
    decisions are still being carried out."""
    from accountability.permissions import meetings_visible_to

    meetings = meetings_visible_to(user)
    if level in Level.values:
        meetings = meetings.filter(level=level)
    return meetings.select_related("chair", "secretary").annotate(
        item_count=Count("items", distinct=True),
        open_decisions=Count("items__decision", filter=Q(items__decision__state=DecisionState.PENDING), distinct=True),
    )


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, each item with its case, its decision and where it came from or went."""
    return list(
        meeting.items.select_related(
            "petition__unit",
            "petition__responsible_leader",
            "decision__unit",
            "decision__leader",
            "decision__district_item__meeting",
            "sent_from__item__meeting",
        ).order_by("order", "id")
    )


DECISION_STATUSES = ("open", "overdue", "done", "not_done", "sent")


def decisions_by_status(decisions: QuerySet[Decision], status: str, *, today: date) -> QuerySet[Decision]:
    """open: being carried out, deadline not passed; overdue: being carried out past the
    deadline; done; not done; sent: sent on to the district meeting."""
    if status == "open":
        return decisions.filter(state=DecisionState.PENDING, deadline__gte=today)
    if status == "overdue":
        return decisions.filter(state=DecisionState.PENDING, deadline__lt=today)
    if status == "done":
        return decisions.filter(state=DecisionState.DONE)
    if status == "not_done":
        return decisions.filter(state=DecisionState.NOT_DONE)
    if status == "sent":
        return decisions.filter(state=DecisionState.SENT_TO_DISTRICT)
    return decisions


def decision_list(user, *, data, today: date | None = None):
    """The decisions the user may see, filtered (status, unit, leader), the nearest deadline
    first; returns the queryset and the filter (its form is the page's filter form)."""
    from accountability.filters import DecisionFilter
    from accountability.permissions import decisions_visible_to

    today = today or timezone.localdate()
    scoped = decisions_visible_to(user).select_related("item__petition", "item__meeting", "unit", "leader")
    decision_filter = DecisionFilter(data, queryset=scoped, town_id=user.town_id, today=today)
    decisions = decision_filter.qs if decision_filter.is_valid() else scoped.none()
    return decisions.order_by(F("deadline").asc(nulls_last=True), "id"), decision_filter


def case_accountability(user, petition: Petition) -> tuple[list[AgendaItem], list]:
    """For the case page: the case's agenda items (with their meeting and decision) and the
    supervisions of it the user may see — two queries."""
    from accountability.permissions import supervisions_visible_to

    items = list(
        AgendaItem.objects.filter(petition=petition)
        .select_related("meeting", "decision__unit", "decision__leader")
        .order_by("meeting__date", "id")
    )
    supervisions = list(
        supervisions_visible_to(user).filter(petition=petition).select_related("unit").order_by("-opened_at", "-id")
    )
    return items, supervisions


def leader_cases(user) -> QuerySet[Petition]:
    """The open cases the user is the responsible leader (包案领导) of, the most urgent first."""
    return (
        petitions_visible_to(user)
        .filter(responsible_leader=user, state__in=OPEN_STATES)
        .select_related("unit", "village", "category__parent")
        .order_by(F("next_due").asc(nulls_last=True), "id")
    )


@dataclass(frozen=True)
class StoredCandidates:
    """A day's stored list as one user may see it, and which of its rows are new since the
    list before it."""

    candidate_list: object
    entries: list
    previous_day: date | None
    new_keys: frozenset


def stored_candidates(user, *, town_id: int, day: date) -> StoredCandidates | None:
    from accountability.models import CandidateEntry, CandidateList

    current = CandidateList.objects.filter(town_id=town_id, day=day).first()
    if current is None:
        return None
    visible = petitions_visible_to(user).values("pk")
    entries = list(
        CandidateEntry.objects.filter(candidate_list=current, petition__in=visible)
        .select_related(
            "petition__unit",
            "petition__responsible_leader",
            "decision__item__meeting",
            "decision__unit",
            "decision__leader",
        )
        .order_by("rule", "petition__registered_at", "id")
    )
    previous = CandidateList.objects.filter(town_id=town_id, day__lt=day).order_by("-day").first()
    new_keys: frozenset = frozenset()
    if previous is not None:
        before = set(
            CandidateEntry.objects.filter(candidate_list=previous).values_list("rule", "petition_id", "decision_id")
        )
        new_keys = frozenset(
            key for key in ((e.rule, e.petition_id, e.decision_id) for e in entries) if key not in before
        )
    return StoredCandidates(
        candidate_list=current,
        entries=entries,
        previous_day=previous.day if previous is not None else None,
        new_keys=new_keys,
    )
