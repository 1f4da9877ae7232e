"""Every change to a mediation room or case goes through one of these functions
(CONVENTIONS.md §1–3): keyword-only, checked against the lifecycle table, the user's role
and scope and the case's version, written with its history entry in one transaction.

The errors are the petition app's (`petitions.errors`), so the API maps both apps alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity import normalize_id_number, normalize_phone
from core.models import Town
from mediation import clocks
from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    IdentityReveal,
    MediationCase,
    MediationCounter,
    MediationRoom,
    MediationSession,
    Party,
    RoomMember,
)
from mediation.permissions import can_act_on_case, can_manage_room, can_register_case, mediation_cases_visible_to
from mediation.states import (
    UNFINISHED_STATES,
    Action,
    CourtResult,
    DisputeKind,
    Gender,
    MemberKind,
    PartyRole,
    Performance,
    RiskLevel,
    Source,
    State,
)
from mediation.transitions import allowed_targets
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed, StaleVersion

CENTRE_NAME_PART = "调处"  # the town's 矛盾纠纷调处中心 among its handling units


@dataclass(frozen=True)
class PartyInput:
    name: str
    role: str
    phone: str = ""
    id_number: str = ""
    address: str = ""


@dataclass(frozen=True)
class TermInput:
    text: str
    due: date | None = None
    party: Party | None = None  # who undertakes it; None for a term both sides carry out


def _clean(instance) -> None:
    """Model validation (phones, ID numbers) as the services' one error type."""
    try:
        instance.full_clean(exclude=["case", "room", "agreement"])
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc


# --- Rooms and members -----------------------------------------------------------------


@transaction.atomic
def rooms_ensure(*, town: Town) -> list[MediationRoom]:
    """One room per village of the town (东河口村睦邻调解室). Safe to run again: existing
    rooms are kept as their administrators left them."""
    existing = set(MediationRoom.objects.filter(village__town=town).values_list("village_id", flat=True))
    MediationRoom.objects.bulk_create(
        MediationRoom(
            village=village, name=f"{village.short_name}睦邻调解室", address=f"{village.short_name}村民委员会"
        )
        for village in town.villages.order_by("code")
        if village.pk not in existing
    )
    return list(MediationRoom.objects.filter(village__town=town).select_related("village"))


def room_member_add(
    *,
    room: MediationRoom,
    actor,
    name: str,
    kind: str,
    gender: str,
    is_chair: bool = False,
    phone: str = "",
    user=None,
    term_start: date | None = None,
    term_end: date | None = None,
    duty: str = "",
    commitment: str = "",
    sort: int = 100,
) -> RoomMember:
    if not can_manage_room(actor, room):
        raise NotAllowed(_("You may not change this mediation room's members."))
    if kind not in MemberKind.values or gender not in Gender.values:
        raise InvalidInput(_("Choose the member's identity and gender."))
    if not name.strip():
        raise InvalidInput(_("Give the member's name."))
    if user is not None and user.village_id != room.village_id:
        raise InvalidInput(_("A member's staff account must belong to the room's village."))
    if term_start and term_end and term_end < term_start:
        raise InvalidInput(_("The term cannot end before it starts."))
    member = RoomMember(
        room=room,
        user=user,
        name=name.strip(),
        kind=kind,
        gender=gender,
        is_chair=is_chair,
        phone=normalize_phone(phone) if phone else "",
        term_start=term_start,
        term_end=term_end,
        duty=duty.strip(),
        commitment=commitment.strip(),
        sort=sort,
    )
    _clean(member)
    member.save()
    return member


def room_member_end_term(*, member: RoomMember, actor, on: date) -> RoomMember:
    if not can_manage_room(actor, member.room):
        raise NotAllowed(_("You may not change this mediation room's members."))
    if member.term_start and on < member.term_start:
        raise InvalidInput(_("The term cannot end before it starts."))
    member.term_end = on
    member.save(update_fields=["term_end"])
    return member


# --- Registering a dispute -------------------------------------------------------------


def _next_case_number(town: Town, year: int) -> str:
    counter, _ = MediationCounter.objects.select_for_update().get_or_create(town=town, year=year)
    MediationCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{town.tracking_prefix}-TJ-{year}-{counter.last:06d}"


def _check_mediators(room: MediationRoom, mediators: Sequence[RoomMember], on: date) -> None:
    serving = set(RoomMember.objects.filter(room=room).serving(on).values_list("pk", flat=True))
    if any(m.pk not in serving for m in mediators):
        raise InvalidInput(_("Mediators must be serving members of this room."))


def _tell_petition(case: MediationCase, actor, text: str) -> bool:
    """Write a mediation step into the petition's timeline through the petition service.
    Staff who may see the petition sign it; a mediator (who may not) is named in the text."""
    if case.petition_id is None:
        return False
    from petitions import services as petition_services
    from petitions.permissions import petitions_visible_to
    from petitions.states import OPEN_STATES

    petition = case.petition
    if petition.state not in OPEN_STATES:
        return False
    signer = actor if petitions_visible_to(actor).filter(pk=petition.pk).exists() else None
    prefix = _("Mediation %(number)s (%(room)s):") % {"number": case.tracking_number, "room": case.room.name}
    suffix = "" if signer else " " + _("Recorded by %(name)s.") % {"name": actor}
    petition_services.petition_add_note(petition=petition, actor=signer, text=f"{prefix} {text}{suffix}")
    return True


def _check_registration(*, room, actor, source, dispute_kind, risk_level, summary, parties, petition, mediators):
    if not can_register_case(actor, room):
        raise NotAllowed(_("You may not register disputes for this mediation room."))
    if source not in Source.values or dispute_kind not in DisputeKind.values or risk_level not in RiskLevel.values:
        raise InvalidInput(_("Choose the source, the kind of dispute and the risk level."))
    if not summary.strip():
        raise InvalidInput(_("Give a short summary of the dispute."))
    roles = {p.role for p in parties}
    if not roles <= set(PartyRole.values) or roles != set(PartyRole.values):
        raise InvalidInput(_("A dispute has at least one applicant and one respondent."))
    if any(not p.name.strip() for p in parties):
        raise InvalidInput(_("Give every party's name."))
    if (source == Source.PETITION) != (petition is not None):
        raise InvalidInput(_("A dispute from a petition names the petition, and only then."))
    if petition is not None:
        from petitions.permissions import petitions_visible_to

        if petition.town_id != room.village.town_id or not petitions_visible_to(actor).filter(pk=petition.pk).exists():
            raise InvalidInput(_("Choose a petition of this town that you can see."))
        if MediationCase.objects.filter(petition=petition, state__in=UNFINISHED_STATES).exists():
            raise InvalidInput(_("This petition is already in mediation."))
    _check_mediators(room, mediators, timezone.localdate())


def mediation_case_register(
    *,
    room: MediationRoom,
    actor,
    source: str,
    dispute_kind: str,
    summary: str,
    parties: Sequence[PartyInput],
    facts: str = "",
    risk_level: str = RiskLevel.LOW,
    petition=None,
    mediators: Sequence[RoomMember] = (),
    mediators_chosen_by_parties: bool = False,
    invited_helpers: str = "",
    client_token: uuid.UUID | None = None,
) -> MediationCase:
    """Register a dispute in a room's register (登记). With a client token, a repeated
    submission returns the first case instead of a second one."""
    if client_token is not None:
        existing = MediationCase.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    _check_registration(
        room=room,
        actor=actor,
        source=source,
        dispute_kind=dispute_kind,
        risk_level=risk_level,
        summary=summary,
        parties=parties,
        petition=petition,
        mediators=mediators,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            case = MediationCase(
                room=room,
                tracking_number=_next_case_number(room.village.town, timezone.localdate(now).year),
                client_token=client_token,
                source=source,
                petition=petition,
                dispute_kind=dispute_kind,
                risk_level=risk_level,
                summary=summary.strip(),
                facts=facts.strip(),
                mediators_chosen_by_parties=mediators_chosen_by_parties,
                invited_helpers=invited_helpers.strip(),
                registered_at=now,
                registered_by=actor,
            )
            case.save()
            rows = []
            for order, data in enumerate(parties):
                party = Party(
                    case=case,
                    role=data.role,
                    name=data.name.strip(),
                    phone=normalize_phone(data.phone) if data.phone else "",
                    id_number=normalize_id_number(data.id_number) if data.id_number else "",
                    address=data.address.strip(),
                    order=order,
                )
                _clean(party)
                rows.append(party)
            Party.objects.bulk_create(rows)
            if mediators:
                case.mediators.set(mediators)
            CaseEvent.objects.create(
                case=case,
                at=now,
                actor=actor,
                action=Action.REGISTER,
                to_state=State.REGISTERED,
                note=_("Registered (%(source)s).") % {"source": case.get_source_display()},
            )
            _tell_petition(case, actor, _("sent to the village mediation room."))
    except IntegrityError:
        if client_token is not None:
            existing = MediationCase.objects.filter(client_token=client_token).first()
            if existing is not None:
                return existing
        if petition is not None:
            raise InvalidInput(_("This petition is already in mediation.")) from None
        raise
    return case


# --- The lifecycle ---------------------------------------------------------------------


def _change(
    *,
    case: MediationCase,
    actor,
    action: str,
    version: int | None,
    apply: Callable[[MediationCase, datetime], str],
    note: str | Callable[[MediationCase], str] = "",
    petition_note: str | Callable[[MediationCase], str] = "",
) -> MediationCase:
    """Lock the row, check version, state, role and scope, apply, write the history (and,
    for a case from a petition, the petition's timeline) in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        rows = mediation_cases_visible_to(actor).select_for_update(of=("self",))
        locked = rows.filter(pk=case.pk).select_related("room__village", "petition").first()
        if locked is None:
            raise NotAllowed(_("You may not act on this mediation case."))
        if version is not None and locked.version != version:
            raise StaleVersion(
                _("Someone else changed this case after you opened it. Nothing was saved; reload and try again.")
            )
        targets = allowed_targets(action, locked.state)
        if not targets:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the case is “%(state)s”.")
                % {"action": Action(action).label, "state": locked.get_state_display()}
            )
        if not can_act_on_case(actor, locked, action):
            raise NotAllowed(_("Your role may not “%(action)s” on this case.") % {"action": Action(action).label})
        from_state = locked.state
        to_state = apply(locked, now)
        if to_state not in targets:
            raise IllegalTransition(_("This change is not allowed by the mediation lifecycle."))
        locked.state = to_state
        locked.version += 1
        locked.save()
        text = note(locked) if callable(note) else note
        CaseEvent.objects.create(
            case=locked, at=now, actor=actor, action=action, from_state=from_state, to_state=to_state, note=text
        )
        told = petition_note(locked) if callable(petition_note) else petition_note
        if told:
            _tell_petition(locked, actor, told)
    return locked


def mediation_case_assign(
    *,
    case: MediationCase,
    actor,
    version: int | None,
    mediators: Sequence[RoomMember],
    chosen_by_parties: bool = False,
    invited_helpers: str | None = None,
) -> MediationCase:
    """Assign the mediators, or record the ones the parties chose, and who is invited to help."""
    if not mediators:
        raise InvalidInput(_("Choose at least one mediator."))

    def apply(c: MediationCase, now) -> str:
        _check_mediators(c.room, mediators, timezone.localdate(now))
        c.mediators.set(mediators)
        c.mediators_chosen_by_parties = chosen_by_parties
        if invited_helpers is not None:
            c.invited_helpers = invited_helpers.strip()
        return c.state

    names = "、".join(m.name for m in mediators)
    text = (_("Mediators chosen by the parties: %(names)s") if chosen_by_parties else _("Mediators: %(names)s")) % {
        "names": names
    }
    return _change(case=case, actor=actor, action=Action.ASSIGN, version=version, apply=apply, note=text)


def mediation_session_record(
    *,
    case: MediationCase,
    actor,
    version: int | None,
    held_at: datetime,
    present: str,
    record: str,
    agreed: str = "",
    place: str = "",
) -> MediationSession:
    """The work record of one session (调解工作记录); the first one starts the mediation."""
    if not present.strip() or not record.strip():
        raise InvalidInput(_("Write who was present and what was said."))
    created: list[MediationSession] = []

    def apply(c: MediationCase, now) -> str:
        if held_at > now:
            raise InvalidInput(_("A session cannot be recorded before it is held."))
        if timezone.localdate(held_at) < timezone.localdate(c.registered_at):
            raise InvalidInput(_("A session cannot be held before the dispute was registered."))
        created.append(
            MediationSession.objects.create(
                case=c,
                held_at=held_at,
                place=place.strip(),
                present=present.strip(),
                record=record.strip(),
                agreed=agreed.strip(),
                recorded_by=actor,
                recorded_at=now,
            )
        )
        return State.IN_MEDIATION

    text = _("Session held on %(date)s.") % {"date": timezone.localdate(held_at).isoformat()}
    _change(case=case, actor=actor, action=Action.SESSION, version=version, apply=apply, note=text)
    return created[0]


def mediation_case_agree(
    *,
    case: MediationCase,
    actor,
    version: int | None,
    facts: str,
    terms: Sequence[TermInput],
    performance_method: str,
    performance_deadline: date,
    signed_at: datetime | None = None,
    partial: bool = False,
    unresolved: str = "",
) -> Agreement:
    """The written agreement (调解协议书): it takes effect when the parties and the mediator
    sign; the 30 days for judicial confirmation run from that day."""
    if not facts.strip():
        raise InvalidInput(_("Write the facts and the main points of the dispute."))
    if not terms or any(not t.text.strip() for t in terms):
        raise InvalidInput(_("Write what each side agreed to do."))
    if not performance_method.strip():
        raise InvalidInput(_("Write how the agreement is carried out."))
    if partial and not unresolved.strip():
        raise InvalidInput(_("A partial agreement says what remains unresolved."))
    created: list[Agreement] = []

    def apply(c: MediationCase, now) -> str:
        signed = signed_at or now
        signed_on = timezone.localdate(signed)
        if signed > now or signed_on < timezone.localdate(c.registered_at):
            raise InvalidInput(_("The agreement is signed after the dispute is registered and not in the future."))
        if performance_deadline < signed_on:
            raise InvalidInput(_("The agreement cannot be carried out before it is signed."))
        party_ids = set(c.parties.values_list("pk", flat=True))
        if any(t.party is not None and t.party.pk not in party_ids for t in terms):
            raise InvalidInput(_("Each undertaking belongs to a party of this case."))
        if any(t.due is not None and t.due < signed_on for t in terms):
            raise InvalidInput(_("An undertaking cannot be due before the agreement is signed."))
        agreement = Agreement.objects.create(
            case=c,
            facts=facts.strip(),
            terms="\n".join(f"{i}. {t.text.strip()}" for i, t in enumerate(terms, start=1)),
            unresolved=unresolved.strip() if partial else "",
            performance_method=performance_method.strip(),
            performance_deadline=performance_deadline,
            signed_at=signed,
            judicial_confirmation_due=clocks.confirmation_due(signed_on),
        )
        AgreementTerm.objects.bulk_create(
            AgreementTerm(agreement=agreement, party=t.party, text=t.text.strip(), due=t.due, order=i)
            for i, t in enumerate(terms)
        )
        created.append(agreement)
        c.closed_at = now
        c.outcome_note = unresolved.strip() if partial else ""
        return State.PARTLY_AGREED if partial else State.AGREED

    def note(c: MediationCase) -> str:
        values = {"count": len(terms), "date": performance_deadline.isoformat()}
        if partial:
            values["unresolved"] = unresolved.strip()
            return _("Partly agreed: %(count)s terms, carried out by %(date)s. Unresolved: %(unresolved)s") % values
        return _("Agreement reached: %(count)s terms, carried out by %(date)s.") % values

    _change(case=case, actor=actor, action=Action.AGREE, version=version, apply=apply, note=note, petition_note=note)
    return created[0]


def mediation_case_fail(*, case: MediationCase, actor, version: int | None, reason: str) -> MediationCase:
    """No agreement could be reached. The case then goes back to the desk or on to the centre."""
    if not reason.strip():
        raise InvalidInput(_("Say why the mediation failed."))

    def apply(c: MediationCase, now) -> str:
        c.closed_at = now
        c.outcome_note = reason.strip()
        return State.FAILED

    text = _("Mediation failed: %(reason)s") % {"reason": reason.strip()}
    return _change(
        case=case, actor=actor, action=Action.FAIL, version=version, apply=apply, note=text, petition_note=text
    )


def mediation_case_withdraw(
    *, case: MediationCase, actor, version: int | None, reason: str, party: Party | None = None
) -> MediationCase:
    """A party refuses or ends the mediation — their right at any time (People's Mediation Law)."""
    if not reason.strip():
        raise InvalidInput(_("Say which party ended the mediation and why."))

    def apply(c: MediationCase, now) -> str:
        if party is not None and party.case_id != c.pk:
            raise InvalidInput(_("Choose a party of this case."))
        c.closed_at = now
        c.outcome_note = reason.strip()
        return State.WITHDRAWN

    who = f"{party.masked_name}: " if party is not None else ""
    text = _("A party ended the mediation: %(reason)s") % {"reason": who + reason.strip()}
    return _change(
        case=case, actor=actor, action=Action.WITHDRAW, version=version, apply=apply, note=text, petition_note=text
    )


def _history(c: MediationCase) -> str:
    sessions = c.sessions.count()
    return _("%(sessions)s sessions recorded; outcome: %(outcome)s") % {
        "sessions": sessions,
        "outcome": c.outcome_note or "-",
    }


def mediation_case_return_to_desk(*, case: MediationCase, actor, version: int | None, note: str = "") -> MediationCase:
    """A failed case from a petition goes back to the petition desk, with its history in the
    petition's timeline; the desk then replies to the petition or routes it on."""

    def apply(c: MediationCase, now) -> str:
        if c.petition_id is None:
            raise InvalidInput(
                _("This dispute did not come from a petition: refer it to the dispute mediation centre instead.")
            )
        c.handed_over_at = now
        return State.RETURNED

    def text(c: MediationCase) -> str:
        base = _("Returned to the petition desk. %(history)s") % {"history": _history(c)}
        return f"{base} {note.strip()}" if note.strip() else base

    return _change(
        case=case,
        actor=actor,
        action=Action.RETURN_TO_DESK,
        version=version,
        apply=apply,
        note=text,
        petition_note=text,
    )


def dispute_centre(town: Town):
    """The town's dispute mediation centre (矛盾纠纷调处中心) among its handling units."""
    from petitions.models import HandlingUnit

    return HandlingUnit.objects.filter(
        town=town, kind=HandlingUnit.UnitKind.CENTRE, name__contains=CENTRE_NAME_PART, active=True
    ).first()


def mediation_case_refer(*, case: MediationCase, actor, version: int | None, note: str = "") -> MediationCase:
    """A failed case goes on to the town's dispute mediation centre, whose staff then see it."""
    centre = dispute_centre(case.room.village.town)
    if centre is None:
        raise InvalidInput(_("The town has no dispute mediation centre among its handling units."))

    def apply(c: MediationCase, now) -> str:
        c.referred_to = centre
        c.handed_over_at = now
        return State.REFERRED

    def text(c: MediationCase) -> str:
        base = _("Referred to %(centre)s. %(history)s") % {"centre": centre.name, "history": _history(c)}
        return f"{base} {note.strip()}" if note.strip() else base

    return _change(
        case=case, actor=actor, action=Action.REFER, version=version, apply=apply, note=text, petition_note=text
    )


def mediation_case_flag_police(*, case: MediationCase, actor, version: int | None, reason: str) -> MediationCase:
    """Report a dispute that may turn into a public-order or criminal case to the police at
    once (Art. 25). The report is recorded; the mediation goes on."""
    if not reason.strip():
        raise InvalidInput(_("Say why the police must be told."))

    def apply(c: MediationCase, now) -> str:
        if c.police_flagged_at is not None:
            raise InvalidInput(
                _("This case was already reported to the police on %(date)s.")
                % {"date": timezone.localdate(c.police_flagged_at).isoformat()}
            )
        c.police_flagged_at = now
        c.police_flagged_by = actor
        c.police_flag_reason = reason.strip()
        return c.state

    text = _("Reported to the police: %(reason)s") % {"reason": reason.strip()}
    return _change(case=case, actor=actor, action=Action.FLAG_POLICE, version=version, apply=apply, note=text)


def mediation_term_follow_up(
    *, case: MediationCase, term: AgreementTerm, actor, version: int | None, performance: str, note: str = ""
) -> AgreementTerm:
    """The committee's follow-up of one undertaking: done, late or broken."""
    if performance not in (Performance.DONE, Performance.LATE, Performance.BROKEN):
        raise InvalidInput(_("Choose whether the undertaking was performed, performed late or broken."))
    checked: list[AgreementTerm] = []

    def apply(c: MediationCase, now) -> str:
        row = AgreementTerm.objects.select_for_update().filter(pk=term.pk, agreement__case=c).first()
        if row is None:
            raise InvalidInput(_("Choose an undertaking of this case's agreement."))
        row.performance = performance
        row.checked_at = now
        row.checked_by = actor
        row.check_note = note.strip()
        row.save(update_fields=["performance", "checked_at", "checked_by", "check_note"])
        checked.append(row)
        return c.state

    text = _("Follow-up of “%(term)s”: %(performance)s.") % {
        "term": term.text[:40],
        "performance": Performance(performance).label,
    }
    if note.strip():
        text += f" {note.strip()}"
    _change(case=case, actor=actor, action=Action.FOLLOW_UP, version=version, apply=apply, note=text)
    return checked[0]


def mediation_court_apply(
    *, case: MediationCase, actor, version: int | None, applied_on: date, court: str = ""
) -> Agreement:
    """The parties jointly asked a court to confirm the agreement — within 30 days of it
    taking effect, or the court will not take it."""

    def apply(c: MediationCase, now) -> str:
        agreement = Agreement.objects.select_for_update().get(case=c)
        if agreement.court_result != CourtResult.NOT_REQUESTED:
            raise InvalidInput(_("The application for judicial confirmation is already recorded."))
        if applied_on > timezone.localdate(now) or applied_on < timezone.localdate(agreement.signed_at):
            raise InvalidInput(_("The application falls between the signing and today."))
        if applied_on > agreement.judicial_confirmation_due:
            raise InvalidInput(
                _("Judicial confirmation had to be requested by %(date)s (30 days after the agreement took effect).")
                % {"date": agreement.judicial_confirmation_due.isoformat()}
            )
        agreement.court_result = CourtResult.PENDING
        agreement.court_applied_on = applied_on
        agreement.court_name = court.strip()
        agreement.save(update_fields=["court_result", "court_applied_on", "court_name"])
        return c.state

    text = _("The parties asked the court to confirm the agreement on %(date)s.") % {"date": applied_on.isoformat()}
    locked = _change(case=case, actor=actor, action=Action.COURT_APPLY, version=version, apply=apply, note=text)
    return Agreement.objects.get(case=locked)


def mediation_court_result(
    *, case: MediationCase, actor, version: int | None, result: str, decided_on: date
) -> Agreement:
    """The court confirmed the agreement (it can then be enforced) or refused to."""
    if result not in (CourtResult.CONFIRMED, CourtResult.REFUSED):
        raise InvalidInput(_("Choose whether the court confirmed the agreement or refused to."))

    def apply(c: MediationCase, now) -> str:
        agreement = Agreement.objects.select_for_update().get(case=c)
        if agreement.court_result != CourtResult.PENDING:
            raise InvalidInput(_("Record the application to the court first."))
        if decided_on < agreement.court_applied_on or decided_on > timezone.localdate(now):
            raise InvalidInput(_("The court decides after the application and not in the future."))
        agreement.court_result = result
        agreement.court_result_at = decided_on
        agreement.save(update_fields=["court_result", "court_result_at"])
        return c.state

    text = _("The court's decision (%(date)s): %(result)s.") % {
        "date": decided_on.isoformat(),
        "result": CourtResult(result).label,
    }
    locked = _change(case=case, actor=actor, action=Action.COURT_RESULT, version=version, apply=apply, note=text)
    return Agreement.objects.get(case=locked)


def mediation_case_add_note(*, case: MediationCase, actor, version: int | None = None, text: str) -> MediationCase:
    if not text.strip():
        raise InvalidInput(_("The note is empty."))

    def apply(c: MediationCase, now) -> str:
        return c.state

    return _change(case=case, actor=actor, action=Action.NOTE, version=version, apply=apply, note=text.strip())


def agreement_identity_reveal(*, case: MediationCase, actor, reason: str) -> IdentityReveal:
    """Before the copy with full ID numbers and phones is printed: the reason is required,
    the reveal log row and a note in the case's history are written together."""
    from mediation.permissions import can_see_full_identity

    if not can_see_full_identity(actor, case):
        raise NotAllowed(_("Your role may not print the agreement with full identity numbers."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for printing the full identity numbers."))
    with transaction.atomic():
        reveal = IdentityReveal.objects.create(case=case, user=actor, reason=reason[:200])
        mediation_case_add_note(
            case=case,
            actor=actor,
            version=None,
            text=_("Printed the agreement with full ID card numbers and phones: %(reason)s") % {"reason": reason},
        )
    return reveal
