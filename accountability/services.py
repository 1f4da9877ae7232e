"""Every change to meetings, decisions, supervisions and accountability records
(CONVENTIONS.md §1–3): keyword-only, checked for role and scope, written with its event
(and, where a case changes, the case's timeline entry) in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accountability import permissions as perms
from accountability.models import (
    AccountabilityRecord,
    AgendaItem,
    CandidateEntry,
    CandidateList,
    Decision,
    Event,
    Meeting,
    Supervision,
)
from accountability.selectors import agenda_proposals, candidates_in, next_district_meeting
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
from core.models import Role, Town
from core.services import notifications_send
from petitions import services as petition_services
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed
from petitions.models import HandlingUnit, Petition
from petitions.permissions import petitions_visible_to
from petitions.states import Kind


def _event(*, town_id: int, actor, kind: str, note: str = "", **refs) -> Event:
    return Event.objects.create(town_id=town_id, at=timezone.now(), actor=actor, kind=kind, note=note, **refs)


def _locked_meeting(meeting: Meeting, actor) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not perms.can_manage_meeting(actor, locked):
        raise NotAllowed(_("You may not change this meeting."))
    return locked


# --- Meetings -----------------------------------------------------------------------------------


def meeting_plan(
    *,
    town: Town,
    actor,
    date: date,
    level: str = Level.TOWN,
    chair=None,
    secretary=None,
    attendees: Iterable = (),
    other_attendees: str = "",
) -> Meeting:
    """Plan a town or district joint meeting. A district meeting takes up at once what town
    meetings have sent on to it."""
    if not perms.can_plan_meeting(actor, town):
        raise NotAllowed(_("You may not plan liaison meetings."))
    if level not in Level.values:
        raise InvalidInput(_("Choose the meeting's level."))
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                town=town,
                level=level,
                date=date,
                chair=chair,
                secretary=secretary,
                other_attendees=other_attendees.strip(),
            )
            meeting.attendees.set(list(attendees))
            _event(town_id=town.pk, actor=actor, kind=EventKind.MEETING_PLANNED, meeting=meeting)
    except IntegrityError:
        raise InvalidInput(_("A meeting of this level is already planned for that day.")) from None
    if level == Level.DISTRICT:
        agenda_propose(meeting=meeting, actor=actor)
    return meeting


def _reason_text(meeting: Meeting, reason: str, note: str) -> str:
    text = _("On the agenda of the %(meeting)s of %(date)s: %(reason)s.") % {
        "meeting": meeting.get_level_display(),
        "date": date_format(meeting.date, "Y-m-d"),
        "reason": AgendaReason(reason).label,
    }
    return f"{text} {note.strip()}" if note.strip() else text


def _add_item(*, meeting: Meeting, actor, petition: Petition, reason: str, note: str = "") -> AgendaItem:
    """Inside the caller's transaction: the item, the case's timeline entry and the event."""
    if petition.town_id != meeting.town_id or petition.kind == Kind.ACCUSATION:
        raise InvalidInput(_("Choose a petition of this town."))
    if meeting.items.filter(petition=petition).exists():
        raise InvalidInput(_("This petition is already on the agenda."))
    order = (meeting.items.aggregate(last=Max("order"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, petition=petition, reason=reason, note=note.strip(), order=order, added_by=actor
    )
    petition_services.petition_refer_to_meeting(
        petition=petition, actor=actor, version=None, note=_reason_text(meeting, reason, note)
    )
    _event(town_id=meeting.town_id, actor=actor, kind=EventKind.ITEM_ADDED, meeting=meeting, petition=petition)
    return item


def agenda_propose(*, meeting: Meeting, actor, today: date | None = None) -> list[AgendaItem]:
    """Put on the agenda every case the rules propose that is not on it yet."""
    return _add_proposals(meeting=meeting, actor=actor, today=today, petition_ids=None)


def agenda_proposals_add(
    *, meeting: Meeting, actor, petition_ids: Iterable[int], today: date | None = None
) -> list[AgendaItem]:
    """The secretary ticks some of the proposals: each goes on the agenda with the reason the
    rules gave it. A case no longer proposed (already added, closed since) is refused."""
    wanted = set(petition_ids)
    if not wanted:
        raise InvalidInput(_("Tick at least one proposed case."))
    return _add_proposals(meeting=meeting, actor=actor, today=today, petition_ids=wanted)


def _add_proposals(*, meeting: Meeting, actor, today: date | None, petition_ids: set[int] | None) -> list[AgendaItem]:
    with transaction.atomic():
        meeting = _locked_meeting(meeting, actor)
        if meeting.state != MeetingState.PLANNED:
            raise IllegalTransition(_("The agenda can be changed only before the meeting."))
        proposals = agenda_proposals(meeting, today=today)
        if petition_ids is not None:
            proposals = [p for p in proposals if p.petition.pk in petition_ids]
            if len(proposals) != len(petition_ids):
                raise InvalidInput(_("A ticked case is no longer proposed for this meeting."))
        items = []
        for proposal in proposals:
            item = _add_item(meeting=meeting, actor=actor, petition=proposal.petition, reason=proposal.reason)
            if proposal.reason == AgendaReason.FROM_TOWN:
                Decision.objects.filter(
                    item__petition=proposal.petition,
                    state=DecisionState.SENT_TO_DISTRICT,
                    district_item__isnull=True,
                ).update(district_item=item)
            items.append(item)
    return items


def agenda_item_add(*, meeting: Meeting, actor, petition: Petition, note: str = "") -> AgendaItem:
    """The secretary adds a case the rules did not propose."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting, actor)
        if meeting.state != MeetingState.PLANNED:
            raise IllegalTransition(_("The agenda can be changed only before the meeting."))
        if not petitions_visible_to(actor).filter(pk=petition.pk).exists():
            raise InvalidInput(_("Choose a petition of this town."))
        return _add_item(meeting=meeting, actor=actor, petition=petition, reason=AgendaReason.SECRETARY, note=note)


def agenda_item_remove(*, item: AgendaItem, actor, reason: str = "") -> None:
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting, actor)
        if meeting.state != MeetingState.PLANNED:
            raise IllegalTransition(_("The agenda can be changed only before the meeting."))
        petition = item.petition
        Decision.objects.filter(district_item=item).update(district_item=None)
        item.delete()
        _event(
            town_id=meeting.town_id,
            actor=actor,
            kind=EventKind.ITEM_REMOVED,
            meeting=meeting,
            petition=petition,
            note=reason.strip(),
        )


def agenda_reorder(*, meeting: Meeting, actor, item_ids: list[int]) -> None:
    with transaction.atomic():
        meeting = _locked_meeting(meeting, actor)
        items = {item.pk: item for item in meeting.items.all()}
        if set(item_ids) != set(items):
            raise InvalidInput(_("List every agenda item once."))
        for order, pk in enumerate(item_ids, start=1):
            items[pk].order = order
        AgendaItem.objects.bulk_update(items.values(), ["order"])


def meeting_hold(*, meeting: Meeting, actor, minutes: str = "") -> Meeting:
    with transaction.atomic():
        meeting = _locked_meeting(meeting, actor)
        if meeting.state != MeetingState.PLANNED:
            raise IllegalTransition(_("Only a planned meeting can be held."))
        meeting.state = MeetingState.HELD
        meeting.minutes = minutes.strip() or meeting.minutes
        meeting.save(update_fields=["state", "minutes"])
        _event(town_id=meeting.town_id, actor=actor, kind=EventKind.MEETING_HELD, meeting=meeting)
    return meeting


def meeting_close(*, meeting: Meeting, actor) -> Meeting:
    with transaction.atomic():
        meeting = _locked_meeting(meeting, actor)
        if meeting.state != MeetingState.HELD:
            raise IllegalTransition(_("Only a held meeting can be closed."))
        meeting.state = MeetingState.CLOSED
        meeting.save(update_fields=["state"])
        _event(town_id=meeting.town_id, actor=actor, kind=EventKind.MEETING_CLOSED, meeting=meeting)
    return meeting


# --- Decisions ----------------------------------------------------------------------------------


def decision_record(
    *, item: AgendaItem, actor, resolution: str, unit: HandlingUnit, deadline: date, leader=None
) -> Decision:
    """The meeting's decision on one case: the case is assigned to ``unit`` under ``leader``
    with ``deadline``, and its timeline says so, in the same transaction."""
    if not resolution.strip():
        raise InvalidInput(_("Write the resolution path."))
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting, actor)
        if meeting.state != MeetingState.HELD:
            raise IllegalTransition(_("Decisions are recorded once the meeting is held."))
        if Decision.objects.filter(item=item).exists():
            raise InvalidInput(_("This agenda item already has a decision."))
        note = _("The %(meeting)s of %(date)s decided: %(resolution)s (%(unit)s, by %(deadline)s)") % {
            "meeting": meeting.get_level_display(),
            "date": date_format(meeting.date, "Y-m-d"),
            "resolution": resolution.strip(),
            "unit": unit.name,
            "deadline": date_format(deadline, "Y-m-d"),
        }
        petition_services.petition_meeting_decide(
            petition=item.petition, actor=actor, version=None, unit=unit, due=deadline, leader=leader, note=note
        )
        decision = Decision.objects.create(
            item=item,
            resolution=resolution.strip(),
            unit=unit,
            leader=leader,
            deadline=deadline,
            decided_at=timezone.now(),
            recorded_by=actor,
        )
        _event(
            town_id=meeting.town_id,
            actor=actor,
            kind=EventKind.DECISION_RECORDED,
            meeting=meeting,
            petition=item.petition,
            note=resolution.strip(),
        )
        notifications_send(
            recipients=[leader, unit.head, *unit.members.all()],
            title=_("Liaison meeting decision for %(number)s") % {"number": item.petition.tracking_number},
            body=note,
        )
    return decision


def decision_send_to_district(*, item: AgendaItem, actor, reason: str, today: date | None = None) -> Decision:
    """The town meeting cannot solve it: it goes on the next district meeting's agenda (or
    waits for the next district meeting to be planned). The case's timeline says why."""
    if not reason.strip():
        raise InvalidInput(_("Say why the town cannot solve it."))
    today = today or timezone.localdate()
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting, actor)
        if meeting.level != Level.TOWN:
            raise InvalidInput(_("Only the town meeting sends cases on to the district."))
        if meeting.state != MeetingState.HELD:
            raise IllegalTransition(_("Decisions are recorded once the meeting is held."))
        if Decision.objects.filter(item=item).exists():
            raise InvalidInput(_("This agenda item already has a decision."))
        decision = Decision.objects.create(
            item=item,
            resolution=reason.strip(),
            state=DecisionState.SENT_TO_DISTRICT,
            decided_at=timezone.now(),
            recorded_by=actor,
        )
        _event(
            town_id=meeting.town_id,
            actor=actor,
            kind=EventKind.SENT_TO_DISTRICT,
            meeting=meeting,
            petition=item.petition,
            note=reason.strip(),
        )
        district = next_district_meeting(meeting.town, today=today)
        if district is not None:
            decision.district_item = _add_item(
                meeting=district, actor=actor, petition=item.petition, reason=AgendaReason.FROM_TOWN, note=reason
            )
            decision.save(update_fields=["district_item"])
        else:
            petition_services.petition_refer_to_meeting(
                petition=item.petition,
                actor=actor,
                version=None,
                note=_("Sent on to the district liaison joint meeting: %(reason)s") % {"reason": reason.strip()},
            )
    return decision


def _may_report_on(actor, decision: Decision) -> bool:
    if actor.role in (Role.DESK_CLERK, Role.LEADER) or actor.is_superuser:
        return actor.town_id in (None, decision.item.meeting.town_id)
    return decision.leader_id == actor.pk or (
        decision.unit_id is not None and decision.unit.members.filter(pk=actor.pk).exists()
    )


def _decision_finish(*, decision: Decision, actor, state: str, note: str, kind: str) -> Decision:
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update(of=("self",)).select_related("item__meeting", "unit").get(pk=decision.pk)
        )
        if not _may_report_on(actor, locked):
            raise NotAllowed(_("You may not report on this decision."))
        if locked.state != DecisionState.PENDING:
            raise IllegalTransition(_("This decision is no longer being carried out."))
        locked.state = state
        locked.outcome_note = note.strip()
        if state == DecisionState.DONE:
            locked.carried_out_at = timezone.now()
        locked.save(update_fields=["state", "outcome_note", "carried_out_at"])
        _event(
            town_id=locked.item.meeting.town_id,
            actor=actor,
            kind=kind,
            meeting=locked.item.meeting,
            petition_id=locked.item.petition_id,
            note=note.strip(),
        )
    return locked


def decision_mark_done(*, decision: Decision, actor, note: str = "") -> Decision:
    return _decision_finish(
        decision=decision, actor=actor, state=DecisionState.DONE, note=note, kind=EventKind.DECISION_DONE
    )


def decision_mark_not_done(*, decision: Decision, actor, reason: str) -> Decision:
    if not reason.strip():
        raise InvalidInput(_("Say why the decision was not carried out."))
    return _decision_finish(
        decision=decision, actor=actor, state=DecisionState.NOT_DONE, note=reason, kind=EventKind.DECISION_NOT_DONE
    )


# --- Supervision --------------------------------------------------------------------------------


def supervision_open(
    *,
    town: Town,
    actor,
    reason: str,
    description: str,
    rectify_by: date,
    petition: Petition | None = None,
    unit: HandlingUnit | None = None,
    listed: bool = False,
) -> Supervision:
    """An inspector opens a supervision of a case (its unit is supervised) or of a unit."""
    if not perms.can_open_supervision(actor) or actor.town_id not in (None, town.pk):
        raise NotAllowed(_("Only discipline inspectors open supervisions."))
    if reason not in SupervisionReason.values:
        raise InvalidInput(_("Choose the reason for the supervision."))
    if not description.strip():
        raise InvalidInput(_("Describe what was found."))
    if petition is not None:
        if petition.town_id != town.pk:
            raise InvalidInput(_("Choose a petition of this town."))
        unit = unit or petition.unit
    if unit is None or unit.town_id != town.pk:
        raise InvalidInput(_("Choose the supervised unit of this town."))
    if rectify_by < timezone.localdate():
        raise InvalidInput(_("The deadline cannot be in the past."))
    with transaction.atomic():
        supervision = Supervision.objects.create(
            town=town,
            petition=petition,
            unit=unit,
            reason=reason,
            description=description.strip(),
            listed=listed,
            rectify_by=rectify_by,
            opened_by=actor,
            opened_at=timezone.now(),
        )
        _event(
            town_id=town.pk,
            actor=actor,
            kind=EventKind.SUPERVISION_OPENED,
            supervision=supervision,
            petition=petition,
        )
        secret = petition is not None and petition.kind == Kind.ACCUSATION
        if not secret:
            notifications_send(
                recipients=[unit.head, *unit.members.all()],
                title=_("Supervision of %(unit)s: reply by %(date)s")
                % {"unit": unit.name, "date": date_format(rectify_by, "Y-m-d")},
                body=description.strip(),
            )
    return supervision


def supervision_reply(*, supervision: Supervision, actor, text: str) -> Supervision:
    """The supervised unit's written reply."""
    if not text.strip():
        raise InvalidInput(_("Write the unit's reply."))
    with transaction.atomic():
        locked = Supervision.objects.select_for_update(of=("self",)).select_related("unit").get(pk=supervision.pk)
        if not perms.can_reply_supervision(actor, locked):
            raise NotAllowed(_("Only the supervised unit replies."))
        if locked.state != SupervisionState.OPEN:
            raise IllegalTransition(_("This supervision has already been answered or closed."))
        locked.reply = text.strip()
        locked.replied_by = actor
        locked.replied_at = timezone.now()
        locked.state = SupervisionState.REPLIED
        locked.save(update_fields=["reply", "replied_by", "replied_at", "state"])
        _event(town_id=locked.town_id, actor=actor, kind=EventKind.SUPERVISION_REPLIED, supervision=locked)
    return locked


def supervision_close(*, supervision: Supervision, actor, result: str) -> Supervision:
    if not result.strip():
        raise InvalidInput(_("Write the result of the supervision."))
    with transaction.atomic():
        locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
        if not perms.can_open_supervision(actor) or actor.town_id not in (None, locked.town_id):
            raise NotAllowed(_("Only discipline inspectors close supervisions."))
        if locked.state == SupervisionState.CLOSED:
            raise IllegalTransition(_("This supervision is already closed."))
        locked.result = result.strip()
        locked.closed_by = actor
        locked.closed_at = timezone.now()
        locked.state = SupervisionState.CLOSED
        locked.save(update_fields=["result", "closed_by", "closed_at", "state"])
        _event(town_id=locked.town_id, actor=actor, kind=EventKind.SUPERVISION_CLOSED, supervision=locked)
    return locked


# --- Accountability records ---------------------------------------------------------------------


def accountability_record_add(
    *,
    town: Town,
    actor,
    person,
    form: str,
    reason: str,
    decided_on: date,
    petitions: Iterable[Petition] = (),
    supervision: Supervision | None = None,
) -> AccountabilityRecord:
    if not perms.can_record_accountability(actor) or actor.town_id not in (None, town.pk):
        raise NotAllowed(_("Only discipline inspectors record accountability."))
    if form not in AccountabilityForm.values:
        raise InvalidInput(_("Choose the form of accountability."))
    if not reason.strip():
        raise InvalidInput(_("Give the reason."))
    petitions = list(petitions)
    if any(p.town_id != town.pk for p in petitions) or (supervision is not None and supervision.town_id != town.pk):
        raise InvalidInput(_("Choose a petition of this town."))
    with transaction.atomic():
        record = AccountabilityRecord(
            town=town,
            person=person,
            form=form,
            reason=reason.strip(),
            supervision=supervision,
            decided_on=decided_on,
            recorded_by=actor,
        )
        record._for_accusation = any(p.kind == Kind.ACCUSATION for p in petitions) or bool(
            supervision is not None and supervision.petition_id and supervision.petition.kind == Kind.ACCUSATION
        )  # its audit entry is the inspectors' (Art. 30)
        record.save()
        record.petitions.set(petitions)
        _event(town_id=town.pk, actor=actor, kind=EventKind.RECORD_ADDED, record=record)
    return record


# --- The daily candidates list --------------------------------------------------------------------


def candidate_list_build(*, town: Town, day: date | None = None) -> CandidateList:
    """Store the town's candidates list for ``day`` (every case of the town, accusations
    included: each reader sees the rows of the cases they may see). Idempotent: the day's
    list is built once; a second run, or one racing it, returns the stored list."""
    day = day or timezone.localdate()
    existing = CandidateList.objects.filter(town=town, day=day).first()
    if existing is not None:
        return existing
    found = candidates_in(Petition.objects.filter(town=town), today=day)
    try:
        with transaction.atomic():
            stored = CandidateList.objects.create(town=town, day=day, built_at=timezone.now())
            seen: set[tuple] = set()
            rows = []
            for candidate in found:
                key = (candidate.rule, candidate.petition.pk, candidate.decision.pk if candidate.decision else None)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    CandidateEntry(
                        candidate_list=stored,
                        rule=candidate.rule,
                        petition=candidate.petition,
                        decision=candidate.decision,
                        detail=candidate.detail[:40],
                    )
                )
            CandidateEntry.objects.bulk_create(rows)
    except IntegrityError:
        return CandidateList.objects.get(town=town, day=day)
    return stored
