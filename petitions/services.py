"""Every change to a petition goes through one of these functions (CONVENTIONS.md §1–3):
keyword-only, checked against the lifecycle table, the user's role and scope and the
petition's version, written with its timeline entry in one transaction."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.crypto import blind_index
from core.models import Grid, Role, Town, Village
from petitions import clocks
from petitions.attachments import attachment_add
from petitions.errors import DuplicateUpstreamReference, IllegalTransition, InvalidInput, NotAllowed, StaleVersion
from petitions.models import (
    Category,
    HandlingUnit,
    Petition,
    Petitioner,
    PetitionPetitioner,
    TimelineEntry,
    TrackingCounter,
    format_tracking_number,
    tracking_series,
)
from petitions.permissions import can_act, can_register_accusation, petitions_visible_to
from petitions.states import Action, Kind, Mode, Origin, Outcome, Satisfaction, State
from petitions.transitions import allowed_targets

MAX_REPRESENTATIVES = 5  # Art. 20: a group visit sends at most five representatives.
MAX_FILES = 5
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
QUERY_CODE_LENGTH = 8
Key = clocks.Key


@dataclass(frozen=True)
class PetitionerInput:
    name: str
    phone: str = ""
    id_number: str = ""
    address: str = ""
    village: Village | None = None
    is_representative: bool = False


@dataclass(frozen=True)
class Flags:
    collective: bool = False
    repeat: bool = False
    skip_level: bool = False
    key_matter: bool = False
    public_interest: bool = False


@dataclass(frozen=True)
class Registered:
    petition: Petition
    created: bool
    petitioners: list[Petitioner] = field(default_factory=list)


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _next_tracking_number(town: Town, year: int, series: str = "") -> str:
    """Take the next number of the series: one ``UPDATE … RETURNING`` (it locks the counter
    row until the registration commits, as SELECT FOR UPDATE did, in one statement instead of
    three); the year's first number creates the row. Without RETURNING (SQLite < 3.35) the same
    in three."""
    table = connection.ops.quote_name(TrackingCounter._meta.db_table)
    while connection.features.can_return_columns_from_insert:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last = last + 1 WHERE town_id = %s AND series = %s AND year = %s RETURNING last",  # noqa: S608
                [town.pk, series, year],
            )
            row = cursor.fetchone()
        if row is not None:
            return format_tracking_number(town.tracking_prefix, series, year, row[0])
        TrackingCounter.objects.get_or_create(town=town, series=series, year=year)  # the first; loop to take it
    counter, _ = TrackingCounter.objects.select_for_update().get_or_create(town=town, series=series, year=year)
    TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return format_tracking_number(town.tracking_prefix, series, year, counter.last)


def _petitioner_for(town: Town, data: PetitionerInput, *, accusation: bool = False) -> Petitioner:
    """The same person is one Petitioner row: matched by ID number, else by name and phone.
    ``accusation``: the row is written for an accusation (its audit entries are the inspectors')."""
    existing = None
    if data.id_number:
        existing = Petitioner.objects.filter(town=town, id_number_hash=blind_index("id_number", data.id_number)).first()
    if existing is None and data.phone:
        existing = Petitioner.objects.filter(
            town=town, phone_hash=blind_index("phone", data.phone), name=data.name
        ).first()
    if existing is not None:
        changed = []
        for attr in ("phone", "id_number", "address", "village"):
            if getattr(data, attr) and not getattr(existing, attr):
                setattr(existing, attr, getattr(data, attr))
                changed.append(attr)
        if changed:
            existing.full_clean()
            existing._for_accusation = accusation
            existing.save(update_fields=changed)
        return existing
    petitioner = Petitioner(
        town=town,
        name=data.name,
        phone=data.phone,
        id_number=data.id_number,
        address=data.address,
        village=data.village,
    )
    # The town is the registering user's and the village came through the form: checking that
    # they exist would be one more query per new person.
    petitioner.full_clean(exclude=["town", "village"])
    petitioner._for_accusation = accusation
    petitioner.save()
    return petitioner


def _check_registration(
    *,
    town: Town,
    repeat_of: Petition | None,
    origin: str,
    upstream_reference: str,
    village: Village | None,
    grid: Grid | None,
    category: Category,
    petitioners: Sequence[PetitionerInput],
    anonymous: bool,
    headcount: int,
    files: Sequence,
) -> None:
    if not anonymous and not petitioners:
        raise InvalidInput(_("Give at least one petitioner, or mark the petition anonymous."))
    if anonymous and petitioners:
        raise InvalidInput(_("An anonymous petition has no petitioners."))
    if sum(1 for p in petitioners if p.is_representative) > MAX_REPRESENTATIVES:
        raise InvalidInput(_("A group visit sends at most 5 representatives (Art. 20)."))
    if headcount < 1:
        raise InvalidInput(_("The number of people must be at least 1."))
    if origin == Origin.ASSIGNED and not upstream_reference.strip():
        raise InvalidInput(_("A petition assigned from above needs the upstream reference."))
    if (
        upstream_reference.strip()
        and Petition.objects.filter(town=town, upstream_reference=upstream_reference.strip()).exists()
    ):
        raise DuplicateUpstreamReference(_("A case with this upstream reference is already registered."))
    if grid is not None and (village is None or grid.village_id != village.pk):
        raise InvalidInput(_("The grid must lie in the petition's village."))
    if not category.active:
        raise InvalidInput(_("This category is no longer in use."))
    if len(files) > MAX_FILES:
        raise InvalidInput(_("Attach at most %(count)s files.") % {"count": MAX_FILES})
    if village is not None and village.town_id != town.pk:
        raise InvalidInput(_("The village must lie in the petition's town."))
    if repeat_of is not None and repeat_of.town_id != town.pk:
        raise InvalidInput(_("Choose an earlier petition of this town."))


def _registrar_village(actor, *, town: Town, kind: str, village: Village | None) -> Village | None:
    """What the registering user may register, checked before anything is stored: staff of
    another town nothing; village-bound staff their own village's petitions only (none given
    means theirs); accusations only the township (the desk, leaders, inspectors). Residents
    (no actor: the mailbox, Open311) choose any village of the town."""
    if actor is None:
        return village
    if actor.town_id != town.pk and not actor.is_superuser:
        raise NotAllowed(_("You may register petitions of your own town only."))
    if kind == Kind.ACCUSATION and not can_register_accusation(actor):
        raise NotAllowed(
            _(
                "Accusations are registered at the township desk or by the discipline inspectors; "
                "send the resident to the desk or the online mailbox."
            )
        )
    if actor.is_village_scoped:
        if village is None:
            return actor.village
        if village.pk != actor.village_id:
            raise NotAllowed(_("You may register petitions of %(village)s only.") % {"village": actor.village.name})
    return village


def same_submission(petition: Petition, *, actor, kind: str, category, village, title: str, content: str) -> bool:
    """Whether a petition found by a retry's key (client token, upstream reference) is what
    this submission registers: the key reused for other content is a conflict, never a
    silent answer with the first case."""
    return (
        petition.registered_by_id == getattr(actor, "pk", None)
        and petition.kind == kind
        and petition.category_id == category.pk
        and petition.village_id == getattr(village, "pk", None)
        and petition.title == title.strip()
        and petition.content == content.strip()
    )


def petition_register(
    *,
    town: Town,
    actor,
    channel: str,
    kind: str,
    category: Category,
    title: str,
    content: str,
    request: str = "",
    origin: str = Origin.DIRECT,
    upstream_reference: str = "",
    upstream_due: date | None = None,
    village: Village | None = None,
    grid: Grid | None = None,
    petitioners: Sequence[PetitionerInput] = (),
    anonymous: bool = False,
    headcount: int = 1,
    oral: bool = False,
    flags: Flags = Flags(),
    repeat_of: Petition | None = None,
    client_token: uuid.UUID | None = None,
    files: Sequence = (),
    files_public: bool = False,
    responsible_leader=None,
    responsibility_reason: str = "",
) -> Registered:
    """Register a petition from any channel. With a client token, a repeated submission
    (a double tap, a retried request) returns the first petition instead of a second one:
    the token's unique constraint refuses the second insert, its transaction is rolled back
    and the first petition is read (no look-up before every registration for the rare repeat)."""
    village = _registrar_village(actor, town=town, kind=kind, village=village)
    try:
        _check_registration(
            town=town,
            repeat_of=repeat_of,
            origin=origin,
            upstream_reference=upstream_reference,
            village=village,
            grid=grid,
            category=category,
            petitioners=petitioners,
            anonymous=anonymous,
            headcount=headcount,
            files=files,
        )
    except DuplicateUpstreamReference:
        # The upstream reference is taken by this very submission's first copy: a retry.
        if client_token is not None and (first := Petition.objects.filter(client_token=client_token).first()):
            return Registered(petition=first, created=False)
        raise
    from petitions.responsibility import choose_leader

    leader, leader_note = choose_leader(
        town=town,
        kind=kind,
        category=category,
        village=village,
        leader=responsible_leader,
        reason=responsibility_reason,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            people = [_petitioner_for(town, data, accusation=kind == Kind.ACCUSATION) for data in petitioners]
            petition = Petition(
                town=town,
                tracking_number=_next_tracking_number(town, today.year, tracking_series(kind)),
                query_code=new_query_code(),
                client_token=client_token,
                channel=channel,
                origin=origin,
                upstream_reference=upstream_reference.strip(),
                upstream_due=upstream_due,
                kind=kind,
                category=category,
                village=village,
                grid=grid,
                title=title.strip(),
                content=content.strip(),
                request=request.strip(),
                oral=oral,
                anonymous=anonymous,
                headcount=max(headcount, len(people)),
                is_collective=flags.collective or len(people) > 1 or headcount >= 5,
                is_repeat=flags.repeat or repeat_of is not None,
                is_skip_level=flags.skip_level,
                is_key_matter=flags.key_matter,
                is_public_interest=flags.public_interest,
                repeat_of=repeat_of,
                registered_at=now,
                registered_by=actor,
                route_due=clocks.due(Key.ROUTE, today),
                responsible_leader=leader,
            )
            petition.next_due = clocks.next_due(petition)
            petition.save()
            PetitionPetitioner.objects.bulk_create(
                PetitionPetitioner(
                    petition=petition, petitioner=person, is_representative=data.is_representative, order=i
                )
                for i, (person, data) in enumerate(zip(people, petitioners, strict=True))
            )
            entries = [
                TimelineEntry(
                    petition=petition,
                    at=now,
                    actor=actor,
                    action=Action.REGISTER,
                    to_state=State.REGISTERED,
                    note=_("Registered (%(channel)s).") % {"channel": petition.get_channel_display()},
                    public=True,
                )
            ]
            if leader_note:  # staff only: residents do not see staff names
                entries.append(
                    TimelineEntry(
                        petition=petition,
                        at=now,
                        actor=actor,
                        action=Action.NOTE,
                        from_state=State.REGISTERED,
                        to_state=State.REGISTERED,
                        note=leader_note,
                        public=False,
                    )
                )
            TimelineEntry.objects.bulk_create(entries)
            for upload in files:
                attachment_add(petition=petition, upload=upload, uploaded_by=actor, public=files_public)
    except IntegrityError:
        # A copy of the same submission was registered first (a retry, or a race it won).
        if client_token is not None:
            existing = Petition.objects.filter(client_token=client_token).first()
            if existing is not None:
                return Registered(petition=existing, created=False)
        raise
    return Registered(petition=petition, created=True, petitioners=people)


def _change(
    *,
    petition: Petition,
    actor,
    action: str,
    version: int | None,
    apply: Callable[[Petition, timezone.datetime], str],
    note: str = "",
    public: bool = False,
) -> Petition:
    """Lock the row, check version, state, role and scope, apply, write the timeline."""
    now = timezone.now()
    with transaction.atomic():
        rows = Petition.objects if actor is None else petitions_visible_to(actor)
        locked = rows.select_for_update(of=("self",)).filter(pk=petition.pk).first()
        if locked is None:
            raise NotAllowed(_("You may not act on this petition."))
        if version is not None and locked.version != version:
            raise StaleVersion(
                _("Someone else changed this petition after you opened it. Nothing was saved; reload and try again.")
            )
        targets = allowed_targets(action, locked.state)
        if not targets:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the petition is “%(state)s”.")
                % {"action": Action(action).label, "state": locked.get_state_display()}
            )
        if actor is not None and not can_act(actor, locked, action):
            raise NotAllowed(_("Your role may not “%(action)s” on this petition.") % {"action": Action(action).label})
        from_state = locked.state
        to_state = apply(locked, now)
        if to_state not in targets:
            raise IllegalTransition(_("This change is not allowed by the petition lifecycle."))
        locked.state = to_state
        locked.version += 1
        locked.next_due = clocks.next_due(locked)
        locked.save()
        TimelineEntry.objects.create(
            petition=locked,
            at=now,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            public=public,
        )
    return locked


def _route_common(p: Petition, now, *, leader, handler) -> date:
    today = timezone.localdate(now)
    p.routed_at = now
    p.accepted_at = now
    p.notify_due = clocks.due(Key.NOTIFY, today)
    p.handle_due = clocks.handle_due(today, upstream_due=p.upstream_due)
    if leader is not None:
        p.responsible_leader = leader
    if handler is not None:
        p.handler = handler
    return today


def reception_unit(town: Town) -> HandlingUnit:
    """The town's petition reception centre, which handles what the town accepts itself."""
    unit = HandlingUnit.objects.filter(town=town, kind=HandlingUnit.UnitKind.CENTRE, name__contains="信访").first()
    if unit is None:
        raise InvalidInput(_("The town has no petition reception centre among its handling units."))
    return unit


def petition_accept(*, petition: Petition, actor, version: int | None, leader=None, handler=None, note: str = ""):
    """The town accepts the matter and handles it itself (镇本级直接办)."""
    unit = reception_unit(petition.town)

    def apply(p: Petition, now) -> str:
        _route_common(p, now, leader=leader, handler=handler)
        p.mode = Mode.DIRECT
        p.unit = unit
        return State.HANDLING

    text = note or _("Accepted; the town handles it directly.")
    return _change(
        petition=petition, actor=actor, action=Action.ACCEPT, version=version, apply=apply, note=text, public=True
    )


def petition_assign(
    *,
    petition: Petition,
    actor,
    version: int | None,
    unit: HandlingUnit,
    leader=None,
    handler=None,
    report_due: date | None = None,
    note: str = "",
) -> Petition:
    """Assign (交办) to a handling unit, with a due date for its completion report."""
    if unit.town_id != petition.town_id or not unit.active:
        raise InvalidInput(_("Choose an active handling unit of this town."))

    def apply(p: Petition, now) -> str:
        if p.kind == Kind.ACCUSATION and unit.kind != HandlingUnit.UnitKind.DISCIPLINE:
            raise InvalidInput(_("An accusation goes to the discipline committee (Art. 22)."))
        today = _route_common(p, now, leader=leader, handler=handler)
        if report_due is not None and report_due < today:
            raise InvalidInput(_("The completion report cannot be due in the past."))
        p.mode = Mode.ASSIGNED
        p.unit = unit
        p.object_due = clocks.due(Key.OBJECT, today)
        p.report_due = report_due
        return State.HANDLING

    text = note or _("Assigned to %(unit)s.") % {"unit": unit.name}
    return _change(
        petition=petition, actor=actor, action=Action.ASSIGN, version=version, apply=apply, note=text, public=True
    )


def petition_transfer(*, petition: Petition, actor, version: int | None, destination: str, note: str = "") -> Petition:
    """Transfer (转送) to the competent body outside the town; the town's part ends."""
    if not destination.strip():
        raise InvalidInput(_("Say which body the petition is transferred to."))

    def apply(p: Petition, now) -> str:
        p.routed_at = now
        p.transfer_destination = destination.strip()
        p.decision_reason = note
        p.closed_at = now
        return State.TRANSFERRED

    text = _("Transferred to %(body)s.") % {"body": destination.strip()} + (f" {note}" if note else "")
    return _change(
        petition=petition, actor=actor, action=Action.TRANSFER, version=version, apply=apply, note=text, public=True
    )


def petition_reject(*, petition: Petition, actor, version: int | None, reason: str) -> Petition:
    """Not accepted (不予受理), with the reason told to the petitioner."""
    if not reason.strip():
        raise InvalidInput(_("Give the reason for not accepting the petition."))

    def apply(p: Petition, now) -> str:
        p.routed_at = now
        p.notified_at = now
        p.decision_reason = reason.strip()
        p.closed_at = now
        return State.NOT_ACCEPTED

    return _change(
        petition=petition, actor=actor, action=Action.REJECT, version=version, apply=apply, note=reason, public=True
    )


def petition_object(*, petition: Petition, actor, version: int | None, reason: str) -> Petition:
    """The assigned unit says the matter is not theirs (within 5 working days); it returns to the desk."""
    if not reason.strip():
        raise InvalidInput(_("Give the reason why the matter is not your unit's."))

    def apply(p: Petition, now) -> str:
        if p.object_due is None or timezone.localdate(now) > p.object_due:
            raise InvalidInput(
                _("The objection window closed on %(date)s (5 working days after assignment).") % {"date": p.object_due}
            )
        p.mode = ""
        p.unit = None
        p.handler = None
        p.routed_at = None
        p.accepted_at = None
        p.notify_due = p.handle_due = p.object_due = p.report_due = None
        p.notified_at = None  # the next unit tells the petitioner afresh
        p.extension_days = 0
        p.extension_reason = ""
        p.return_count += 1
        return State.REGISTERED

    return _change(petition=petition, actor=actor, action=Action.OBJECT, version=version, apply=apply, note=reason)


def petition_escalate(*, petition: Petition, actor, version: int | None, reason: str) -> Petition:
    """A village that cannot solve a case sends it up to the town desk (村报提级办); the case
    keeps its history and waits in the desk's queue to be routed again."""
    if not reason.strip():
        raise InvalidInput(_("Say why the village cannot solve it."))

    def apply(p: Petition, now) -> str:
        p.origin = Origin.ESCALATED
        p.escalated_at = now
        p.escalation_reason = reason.strip()
        p.mode = ""
        p.unit = None
        p.handler = None
        p.routed_at = None
        p.notify_due = p.handle_due = p.object_due = p.report_due = None
        p.route_due = clocks.due(Key.ROUTE, timezone.localdate(now))
        return State.REGISTERED

    text = _("Escalated to the town: %(reason)s") % {"reason": reason.strip()}
    return _change(
        petition=petition, actor=actor, action=Action.ESCALATE, version=version, apply=apply, note=text, public=True
    )


def petition_notify(*, petition: Petition, actor, version: int | None, text: str) -> Petition:
    """Written notice to the petitioner of whether and how the matter will be handled (Art. 23)."""
    if not text.strip():
        raise InvalidInput(_("Write what the petitioner is told."))

    def apply(p: Petition, now) -> str:
        if p.notified_at is not None:
            raise InvalidInput(_("The petitioner has already been notified."))
        p.notified_at = now
        return State.HANDLING

    return _change(
        petition=petition, actor=actor, action=Action.NOTIFY, version=version, apply=apply, note=text, public=True
    )


def petition_extend(*, petition: Petition, actor, version: int | None, days: int, reason: str) -> Petition:
    """One extension of at most 30 days, approved by the head of the handling unit (Art. 34)."""
    longest = clocks.limit_days(Key.EXTENSION)
    if not 1 <= days <= longest:
        raise InvalidInput(_("An extension is 1 to %(days)s days.") % {"days": longest})
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the extension; the petitioner is told."))

    def apply(p: Petition, now) -> str:
        if p.extension_days:
            raise InvalidInput(_("The time limit can be extended only once."))
        if timezone.localdate(now) > p.handle_due:
            raise InvalidInput(_("The time limit has already passed; an extension is decided before it runs out."))
        if p.upstream_due is not None and p.handle_due + timedelta(days=days) > p.upstream_due:
            raise InvalidInput(
                _("The authority above wants it done by %(date)s; ask them to move their due date.")
                % {"date": p.upstream_due}
            )
        p.extension_days = days
        p.extension_reason = reason.strip()
        p.handle_due = p.handle_due + timedelta(days=days)
        return State.HANDLING

    text = _("Time limit extended by %(days)s days: %(reason)s") % {"days": days, "reason": reason.strip()}
    return _change(
        petition=petition, actor=actor, action=Action.EXTEND, version=version, apply=apply, note=text, public=True
    )


def petition_reply(*, petition: Petition, actor, version: int | None, outcome: str, text: str) -> Petition:
    """The written handling opinion (信访处理意见书, Art. 32)."""
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome: supported, explained or not supported."))
    if not text.strip():
        raise InvalidInput(_("Write the reply: the claim, the facts, the decision and its basis."))

    def apply(p: Petition, now) -> str:
        p.replied_at = now
        p.notified_at = p.notified_at or now
        p.outcome = outcome
        p.reply_text = text.strip()
        p.satisfaction = ""
        p.rated_at = None
        return State.REPLIED

    return _change(
        petition=petition, actor=actor, action=Action.REPLY, version=version, apply=apply, note=text, public=True
    )


def _close_or_redo(p: Petition, now, satisfaction: str, *, unit_at_fault: bool) -> str:
    p.satisfaction = satisfaction
    p.rated_at = now
    if satisfaction == Satisfaction.DISSATISFIED and unit_at_fault:
        p.redo_count += 1
        p.handle_due = clocks.due(Key.REDO, timezone.localdate(now))
        if p.upstream_due is not None and p.upstream_due >= timezone.localdate(now):
            p.handle_due = min(p.handle_due, p.upstream_due)
        p.replied_at = None
        return State.HANDLING
    p.closed_at = now
    return State.CLOSED


def petition_follow_up(
    *, petition: Petition, actor, version: int | None, satisfaction: str, unit_at_fault: bool = False, note: str = ""
) -> Petition:
    """The follow-up visit (回访). Dissatisfied for the unit's own reasons sends it back (重办)."""
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose the petitioner's satisfaction."))

    def apply(p: Petition, now) -> str:
        return _close_or_redo(p, now, satisfaction, unit_at_fault=unit_at_fault)

    label = Satisfaction(satisfaction).label
    text = _("Follow-up visit: %(satisfaction)s.") % {"satisfaction": label} + (f" {note}" if note else "")
    return _change(
        petition=petition, actor=actor, action=Action.FOLLOW_UP, version=version, apply=apply, note=text, public=True
    )


def petition_rate(*, petition: Petition, query_code: str, satisfaction: str, comment: str = "") -> Petition:
    """The resident rates the reply on the status page, once. Dissatisfied waits for the
    follow-up visit, where the town decides whether the unit must redo it."""
    # Bytes, not str: compare_digest raises TypeError on a non-ASCII str (a code typed in Chinese).
    if not secrets.compare_digest(petition.query_code.encode(), query_code.strip().upper().encode()):
        raise NotAllowed(_("The query code does not match."))
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose how satisfied you are."))

    def apply(p: Petition, now) -> str:
        if p.rated_at is not None:
            raise InvalidInput(_("This reply has already been rated."))
        if satisfaction == Satisfaction.DISSATISFIED:
            p.satisfaction = satisfaction
            p.rated_at = now
            return State.REPLIED
        return _close_or_redo(p, now, satisfaction, unit_at_fault=False)

    text = _("The resident rated the reply: %(satisfaction)s.") % {"satisfaction": Satisfaction(satisfaction).label}
    if comment.strip():
        text += f" {comment.strip()}"
    return _change(petition=petition, actor=None, action=Action.RATE, version=None, apply=apply, note=text, public=True)


def petition_request_review(*, petition: Petition, actor, version: int | None, note: str) -> Petition:
    """The petitioner asks for review (复查) within 30 days of the reply (Art. 35)."""

    def apply(p: Petition, now) -> str:
        if p.review_requested_at is not None:
            raise InvalidInput(_("A review has already been requested; next comes re-review."))
        if p.replied_at is None:
            raise InvalidInput(_("Only a replied petition can be reviewed."))
        today = timezone.localdate(now)
        until = clocks.due(Key.REVIEW_REQUEST, timezone.localdate(p.replied_at))
        if today > until:
            raise InvalidInput(_("The review had to be requested by %(date)s.") % {"date": until})
        p.review_requested_at = now
        p.review_due = clocks.due(Key.REVIEW_ANSWER, today)
        p.closed_at = None
        return State.UNDER_REVIEW

    return _change(
        petition=petition,
        actor=actor,
        action=Action.REQUEST_REVIEW,
        version=version,
        apply=apply,
        note=note,
        public=True,
    )


def petition_answer_review(*, petition: Petition, actor, version: int | None, text: str) -> Petition:
    if not text.strip():
        raise InvalidInput(_("Write the review's answer."))

    def apply(p: Petition, now) -> str:
        p.review_answered_at = now
        p.closed_at = now
        return State.CLOSED

    return _change(
        petition=petition,
        actor=actor,
        action=Action.ANSWER_REVIEW,
        version=version,
        apply=apply,
        note=text,
        public=True,
    )


def petition_request_re_review(*, petition: Petition, actor, version: int | None, note: str) -> Petition:
    """Re-review (复核) within 30 days of the review's answer (Art. 36)."""

    def apply(p: Petition, now) -> str:
        if p.review_answered_at is None:
            raise InvalidInput(_("Re-review follows an answered review."))
        today = timezone.localdate(now)
        until = clocks.due(Key.RE_REVIEW_REQUEST, timezone.localdate(p.review_answered_at))
        if today > until:
            raise InvalidInput(_("The re-review had to be requested by %(date)s.") % {"date": until})
        p.re_review_requested_at = now
        p.re_review_due = clocks.due(Key.RE_REVIEW_ANSWER, today)
        p.closed_at = None
        return State.UNDER_RE_REVIEW

    return _change(
        petition=petition,
        actor=actor,
        action=Action.REQUEST_RE_REVIEW,
        version=version,
        apply=apply,
        note=note,
        public=True,
    )


def petition_answer_re_review(*, petition: Petition, actor, version: int | None, text: str) -> Petition:
    """The re-review's answer ends the matter: the same claim is not accepted again."""
    if not text.strip():
        raise InvalidInput(_("Write the re-review's answer."))

    def apply(p: Petition, now) -> str:
        p.re_review_answered_at = now
        p.closed_at = now
        return State.FINAL

    return _change(
        petition=petition,
        actor=actor,
        action=Action.ANSWER_RE_REVIEW,
        version=version,
        apply=apply,
        note=text,
        public=True,
    )


def petition_add_note(*, petition: Petition, actor, version: int | None = None, text: str, public: bool = False):
    if not text.strip():
        raise InvalidInput(_("The note is empty."))

    def apply(p: Petition, now) -> str:
        return p.state

    return _change(
        petition=petition, actor=actor, action=Action.NOTE, version=version, apply=apply, note=text, public=public
    )


def petition_attach(
    *,
    petition: Petition,
    actor,
    version: int | None = None,
    files: Sequence,
    public: bool = False,
    keep_metadata: bool = False,
):
    """Add photos or PDFs to a petition; the timeline says who added what. Photos lose their
    location data unless the uploader keeps it on purpose."""
    if not files:
        raise InvalidInput(_("Choose at least one file."))
    if len(files) > MAX_FILES:
        raise InvalidInput(_("Attach at most %(count)s files.") % {"count": MAX_FILES})

    def apply(p: Petition, now) -> str:
        for upload in files:
            attachment_add(petition=p, upload=upload, uploaded_by=actor, public=public, keep_metadata=keep_metadata)
        return p.state

    names = "、".join(getattr(upload, "name", "") for upload in files)
    text = _("Attached: %(names)s") % {"names": names}
    return _change(
        petition=petition, actor=actor, action=Action.ATTACH, version=version, apply=apply, note=text, public=public
    )


def petition_link_repeat(*, petition: Petition, actor, version: int | None, earlier: Petition) -> Petition:
    """Mark a petition as a repeat of an earlier one of the same person."""
    if earlier.pk == petition.pk or earlier.town_id != petition.town_id:
        raise InvalidInput(_("Choose an earlier petition of this town."))

    def apply(p: Petition, now) -> str:
        # Only one the actor may see: a link to an accusation would show it outside the
        # discipline committee (Art. 30).
        if not petitions_visible_to(actor).filter(pk=earlier.pk).exists():
            raise InvalidInput(_("Choose an earlier petition of this town."))
        p.repeat_of = earlier
        p.is_repeat = True
        return p.state

    text = _("Linked as a repeat of %(number)s.") % {"number": earlier.tracking_number}
    return _change(petition=petition, actor=actor, action=Action.LINK_REPEAT, version=version, apply=apply, note=text)


@transaction.atomic
def units_ensure(*, town: Town) -> list[HandlingUnit]:
    """The town's offices, centres and discipline committee, and one unit per village.
    Safe to run again: existing units are kept as an administrator left them."""
    from petitions.seed_data import TOWN_UNITS

    units = []
    for sort, (name, kind) in enumerate(TOWN_UNITS, start=1):
        unit, _ = HandlingUnit.objects.get_or_create(town=town, name=name, defaults={"kind": kind, "sort": sort})
        units.append(unit)
    for village in town.villages.filter(unit__isnull=True).order_by("code"):
        units.append(
            HandlingUnit.objects.create(
                town=town, name=village.name, kind=HandlingUnit.UnitKind.VILLAGE, village=village, sort=200
            )
        )
    return units


def petition_refer_to_meeting(*, petition: Petition, actor, version: int | None, note: str) -> Petition:
    """Write in the case's timeline that it goes before a liaison joint meeting (town or
    district), with the reason. Called by ``accountability.services`` when the agenda is set."""
    if not note.strip():
        raise InvalidInput(_("Say why the case goes before the meeting."))

    def apply(p: Petition, now) -> str:
        return p.state

    return _change(
        petition=petition,
        actor=actor,
        action=Action.REFER_MEETING,
        version=version,
        apply=apply,
        note=note.strip(),
        public=True,
    )


def petition_meeting_decide(
    *,
    petition: Petition,
    actor,
    version: int | None,
    unit: HandlingUnit,
    due: date,
    note: str,
    leader=None,
) -> Petition:
    """A liaison joint meeting's decision: the case goes to ``unit`` (routed, or reassigned
    while handled) under ``leader``, and the unit reports by ``due``. A unit cannot object to
    a meeting's decision (Art. 24 settles disputes over who is responsible)."""
    if unit.town_id != petition.town_id or not unit.active:
        raise InvalidInput(_("Choose an active handling unit of this town."))
    if leader is not None and (leader.role != Role.LEADER or leader.town_id != petition.town_id):
        raise InvalidInput(_("The responsible leader must be a leader of this town."))
    if not note.strip():
        raise InvalidInput(_("Write the meeting's decision."))

    def apply(p: Petition, now) -> str:
        if p.kind == Kind.ACCUSATION and unit.kind != HandlingUnit.UnitKind.DISCIPLINE:
            raise InvalidInput(_("An accusation goes to the discipline committee (Art. 22)."))
        today = timezone.localdate(now)
        if due < today:
            raise InvalidInput(_("The deadline cannot be in the past."))
        if p.state == State.REGISTERED:
            _route_common(p, now, leader=leader, handler=None)
        elif leader is not None:
            p.responsible_leader = leader
        if p.unit_id != unit.pk:
            p.handler = None
        p.mode = Mode.ASSIGNED
        p.unit = unit
        p.object_due = None
        p.report_due = due
        return State.HANDLING

    return _change(
        petition=petition,
        actor=actor,
        action=Action.MEETING_DECISION,
        version=version,
        apply=apply,
        note=note.strip(),
        public=True,
    )
