"""The demo year of the accountability app: a town joint meeting every month, two district
meetings, decisions for the article's results (30 public-interest demands, 25 complex
disputes, 6 key petition matters), a few supervisions and accountability records.

Bulk inserts, deterministic for a seed. Run after ``petitions.demo.seed_petitions``, which
flags the public-interest results and the key matters."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from accountability.models import AccountabilityRecord, AgendaItem, Decision, Event, Meeting, Supervision
from accountability.states import (
    AccountabilityForm,
    AgendaReason,
    DecisionState,
    EventKind,
    Level,
    MeetingState,
    SupervisionReason,
    SupervisionState,
)
from core.models import Role, Town, User
from petitions import demo as petitions_demo
from petitions.models import Petition, TimelineEntry
from petitions.states import Action, Kind, Outcome, State

TZ = ZoneInfo("Asia/Shanghai")
COMPLEX_DISPUTES = 25
DISTRICT_MONTHS = (6, 11)
RESOLUTIONS = {
    AgendaReason.KEY_MATTER: "列为重点信访事项，包案领导牵头，相关部门联合化解",
    AgendaReason.ESCALATED: "村级提级事项，由承办单位会同村委会限期办结",
    AgendaReason.SECRETARY: "民生实事事项，纳入年度为民办实事清单推进",
    AgendaReason.DISPUTE: "复杂矛盾纠纷，由调处中心牵头，司法所参与联合调处",
}


@dataclass(frozen=True)
class AccountabilityDemo:
    meetings: int
    decisions: int
    supervisions: int
    records: int


def _meeting_day(year: int, month: int) -> date:
    """The 10th, or the next Monday when it falls on a weekend."""
    day = date(year, month, 10)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int = 15) -> datetime:
    return datetime.combine(day, time(hour, 0), TZ)


@transaction.atomic
def seed_accountability(*, town: Town, year_start: date, today: date, seed: int) -> AccountabilityDemo:
    if Meeting.objects.filter(town=town).exists():
        return AccountabilityDemo(0, 0, 0, 0)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    staff = list(User.objects.filter(town=town).order_by("username"))
    leaders = [u for u in staff if u.role == Role.LEADER]
    clerks = [u for u in staff if u.role == Role.DESK_CLERK]
    inspectors = [u for u in staff if u.role == Role.INSPECTOR]
    if not (leaders and clerks and inspectors):
        return AccountabilityDemo(0, 0, 0, 0)
    chair, secretary = leaders[0], clerks[0]

    meetings = []
    for month in range(year_start.month, 13):
        day = _meeting_day(year_start.year, month)
        if day > today:
            break
        meetings.append(Meeting(town=town, level=Level.TOWN, date=day, chair=chair, secretary=secretary))
        if month in DISTRICT_MONTHS:
            meetings.append(Meeting(town=town, level=Level.DISTRICT, date=day + timedelta(days=7), secretary=secretary))
    meetings = [m for m in meetings if m.date <= today]
    for meeting in meetings:
        meeting.state = MeetingState.CLOSED if meeting.date < today else MeetingState.HELD
        meeting.minutes = f"{meeting.date:%Y年%m月%d日}召开信访工作联席会议，研究疑难信访事项。"
    Meeting.objects.bulk_create(meetings)
    for meeting in meetings:
        meeting.attendees.set(leaders + clerks[:1] + inspectors[:1])
    town_meetings = [m for m in meetings if m.level == Level.TOWN]
    district_meetings = [m for m in meetings if m.level == Level.DISTRICT]

    closed = (
        Petition.objects.filter(town=town, state=State.CLOSED, closed_at__isnull=False, unit__isnull=False)
        .exclude(kind=Kind.ACCUSATION)
        .order_by("registered_at", "id")
    )
    public = list(closed.filter(is_public_interest=True)[:30])
    key = list(closed.filter(is_key_matter=True)[:6])
    taken = {p.pk for p in public + key}
    handled_for = ExpressionWrapper(F("replied_at") - F("accepted_at"), output_field=DurationField())
    # Ids first: a shuffle depends only on how many there are, and a big demo has many.
    disputes = [
        pk
        for pk in closed.filter(Q(is_collective=True) | Q(outcome=Outcome.EXPLAINED))
        .annotate(handled_for=handled_for)
        .filter(handled_for__gte=petitions_demo.LONG_CASE)
        .values_list("pk", flat=True)
        if pk not in taken
    ]
    rng.shuffle(disputes)
    loaded = Petition.objects.in_bulk(disputes[:COMPLEX_DISPUTES])
    disputes = [loaded[pk] for pk in disputes[:COMPLEX_DISPUTES]]
    chosen = (
        [(p, AgendaReason.SECRETARY) for p in public]
        + [(p, AgendaReason.DISPUTE) for p in disputes[:COMPLEX_DISPUTES]]
        + [(p, AgendaReason.KEY_MATTER) for p in key]
    )

    items, decisions, entries, events = [], [], [], []
    order: dict[int, int] = {}
    sent_to_district = 0
    for petition, reason in chosen:
        # A meeting takes up a case while it is being handled: after it was accepted (the
        # referral is dated three days before the meeting) and before the reply.
        accepted = timezone.localdate(petition.accepted_at)
        finished = timezone.localdate(petition.replied_at)
        meeting = next((m for m in reversed(town_meetings) if accepted + timedelta(days=3) < m.date < finished), None)
        if meeting is None:
            continue
        order[meeting.pk] = order.get(meeting.pk, 0) + 1
        item = AgendaItem(
            meeting=meeting, petition=petition, reason=reason, order=order[meeting.pk], added_by=secretary
        )
        items.append(item)
        district = None
        if reason == AgendaReason.KEY_MATTER and sent_to_district < 2:
            district = next((m for m in district_meetings if meeting.date <= m.date < finished), None)
        at = _at(meeting.date)
        label = Level(meeting.level).label
        entries.append(
            TimelineEntry(
                petition=petition,
                at=at - timedelta(days=3),
                actor=secretary,
                action=Action.REFER_MEETING,
                from_state=State.HANDLING,
                to_state=State.HANDLING,
                note=f"提交{label}（{meeting.date:%Y-%m-%d}）研究：{AgendaReason(reason).label}",
                public=True,
            )
        )
        leader = petition.responsible_leader or rng.choice(leaders)
        deadline = min(meeting.date + timedelta(days=30), max(finished, meeting.date))
        if district is None:
            decisions.append(
                Decision(
                    item=item,
                    resolution=RESOLUTIONS[reason],
                    unit_id=petition.unit_id,
                    leader=leader,
                    deadline=deadline,
                    state=DecisionState.DONE,
                    decided_at=at,
                    recorded_by=secretary,
                    carried_out_at=petition.closed_at,
                    outcome_note="已按期办结，诉求人满意。",
                )
            )
            entries.append(_decision_entry(petition, at, secretary, label, meeting.date, RESOLUTIONS[reason]))
            continue
        sent_to_district += 1
        district_item = AgendaItem(
            meeting=district, petition=petition, reason=AgendaReason.FROM_TOWN, order=90 + sent_to_district
        )
        items.append(district_item)
        decisions.append(
            Decision(
                item=item,
                resolution="镇级难以化解，提请区联席会议兜底化解",
                state=DecisionState.SENT_TO_DISTRICT,
                decided_at=at,
                recorded_by=secretary,
                district_item=district_item,
            )
        )
        district_at = _at(district.date)
        district_label = Level(district.level).label
        entries.append(
            TimelineEntry(
                petition=petition,
                at=at,
                actor=secretary,
                action=Action.REFER_MEETING,
                from_state=State.HANDLING,
                to_state=State.HANDLING,
                note=f"提交{district_label}（{district.date:%Y-%m-%d}）研究：镇级难以化解",
                public=True,
            )
        )
        decisions.append(
            Decision(
                item=district_item,
                resolution="区联席会议协调区直部门联合化解",
                unit_id=petition.unit_id,
                leader=leader,
                deadline=max(deadline, district.date),
                state=DecisionState.DONE,
                decided_at=district_at,
                recorded_by=secretary,
                carried_out_at=petition.closed_at,
            )
        )
        entries.append(
            _decision_entry(petition, district_at, secretary, district_label, district.date, "协调区直部门联合化解")
        )
    AgendaItem.objects.bulk_create(items)
    for decision in decisions:  # the items have their keys now
        decision.item_id = decision.item.pk
        if decision.district_item is not None:
            decision.district_item_id = decision.district_item.pk
    Decision.objects.bulk_create(decisions)
    TimelineEntry.objects.bulk_create(entries)
    events += [
        Event(town=town, at=_at(m.date, 9), actor=secretary, kind=EventKind.MEETING_PLANNED, meeting=m)
        for m in meetings
    ]

    supervisions, records = _supervisions(town, today, rng, inspectors[0])
    events += [
        Event(town=town, at=s.opened_at, actor=s.opened_by, kind=EventKind.SUPERVISION_OPENED, supervision=s)
        for s in supervisions
    ]
    Event.objects.bulk_create(events)
    return AccountabilityDemo(
        meetings=len(meetings), decisions=len(decisions), supervisions=len(supervisions), records=len(records)
    )


def _decision_entry(petition, at, actor, label, day, resolution) -> TimelineEntry:
    return TimelineEntry(
        petition=petition,
        at=at,
        actor=actor,
        action=Action.MEETING_DECISION,
        from_state=State.HANDLING,
        to_state=State.HANDLING,
        note=f"{label}（{day:%Y-%m-%d}）决定：{resolution}",
        public=True,
    )


SUPERVISION_PLAN = [
    # reason, listed, state, the accountability form or None
    (SupervisionReason.DELAY, True, SupervisionState.CLOSED, AccountabilityForm.REMINDER_TALK),
    (SupervisionReason.PERFUNCTORY, False, SupervisionState.CLOSED, AccountabilityForm.ADMONITION_TALK),
    (SupervisionReason.SHIRKING, True, SupervisionState.REPLIED, AccountabilityForm.CIRCULATED_CRITICISM),
    (SupervisionReason.DELAY, True, SupervisionState.OPEN, None),
]


def _supervisions(town, today, rng, inspector):
    late = list(
        Petition.objects.filter(town=town, unit__isnull=False)
        .exclude(kind=Kind.ACCUSATION)
        .exclude(unit__kind="discipline")
        .filter(
            Q(redo_count__gt=0)
            | Q(satisfaction="dissatisfied")
            | Q(extension_days__gt=0)
            | Q(closed_at__date__gt=F("handle_due"))
            | Q(next_due__lt=today, state=State.HANDLING)
        )
        .select_related("unit")
        .order_by("registered_at", "id")
    )
    rng.shuffle(late)
    if len(late) < len(SUPERVISION_PLAN):  # a demo year with few late cases: the slowest ones
        slowest = (
            Petition.objects.filter(town=town, state=State.CLOSED, unit__isnull=False, accepted_at__isnull=False)
            .exclude(kind=Kind.ACCUSATION)
            .exclude(unit__kind="discipline")
            .exclude(pk__in=[p.pk for p in late])
            .select_related("unit")
            .order_by(F("accepted_at") - F("closed_at"), "id")
        )
        late += list(slowest[: len(SUPERVISION_PLAN) - len(late)])
    supervisions, records = [], []
    for (reason, listed, state, form), petition in zip(SUPERVISION_PLAN, late, strict=False):
        opened = max(petition.registered_at + timedelta(days=20), _at(today - timedelta(days=40), 10))
        opened = min(opened, _at(today, 9))
        person = petition.unit.head or petition.unit.members.order_by("username").first()
        supervision = Supervision(
            town=town,
            petition=petition,
            unit=petition.unit,
            reason=reason,
            description=f"{petition.tracking_number}：{SupervisionReason(reason).label}，责令限期整改。",
            listed=listed,
            rectify_by=opened.date() + timedelta(days=15),
            state=state,
            opened_by=inspector,
            opened_at=opened,
        )
        if state != SupervisionState.OPEN:
            supervision.reply = "已召开专题会议整改，明确专人跟进，按期答复诉求人。"
            supervision.replied_by = person
            supervision.replied_at = opened + timedelta(days=7)
        if state == SupervisionState.CLOSED:
            supervision.result = "整改到位，予以销号。"
            supervision.closed_by = inspector
            supervision.closed_at = opened + timedelta(days=12)
        supervisions.append(supervision)
        if form is not None and person is not None:
            records.append(
                (
                    AccountabilityRecord(
                        town=town,
                        person=person,
                        form=form,
                        reason=f"{petition.tracking_number}办理中{SupervisionReason(reason).label}。",
                        supervision=supervision,
                        decided_on=min(opened.date() + timedelta(days=14), today),
                        recorded_by=inspector,
                    ),
                    petition,
                )
            )
    Supervision.objects.bulk_create(supervisions)
    for record, _petition in records:
        record.supervision_id = record.supervision.pk
    AccountabilityRecord.objects.bulk_create([record for record, _ in records])
    AccountabilityRecord.petitions.through.objects.bulk_create(
        AccountabilityRecord.petitions.through(accountabilityrecord_id=record.pk, petition_id=petition.pk)
        for record, petition in records
    )
    return supervisions, [record for record, _ in records]
