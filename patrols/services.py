"""Writes for patrols and risks. One function per change; alerts in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Grid, NotificationKind, Role, User
from core.services import notifications_send
from patrols.models import Patrol, Risk
from patrols.permissions import can_handle_risk, can_record
from petitions import services as petition_services
from petitions.errors import IllegalTransition, InvalidInput, NotAllowed
from petitions.models import Category
from petitions.states import Channel, Kind, Origin


def _own_grid(worker, grid: Grid) -> None:
    if not can_record(worker) or grid.village_id != worker.village_id:
        raise NotAllowed(_("You can record only in your own village's grids."))


def _existing(model, client_token):
    return model.objects.filter(client_token=client_token).first() if client_token else None


def patrol_log(
    *,
    worker,
    grid: Grid,
    day: date,
    route: str,
    residents_met: int = 0,
    policy_explained: str = "",
    findings: str = "",
    client_token: uuid.UUID | None = None,
) -> tuple[Patrol, bool]:
    """Record a patrol. A replayed submission (same client token) returns the first one."""
    if (found := _existing(Patrol, client_token)) is not None:
        return found, False
    _own_grid(worker, grid)
    if day > timezone.localdate():
        raise InvalidInput(_("A patrol cannot be logged for a day still to come."))
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                town_id=worker.town_id,
                village_id=grid.village_id,
                grid=grid,
                worker=worker,
                day=day,
                route=route.strip(),
                residents_met=residents_met,
                policy_explained=policy_explained.strip(),
                findings=findings.strip(),
                client_token=client_token,
            )
    except IntegrityError:
        if (found := _existing(Patrol, client_token)) is not None:
            return found, False
        raise
    return patrol, True


def _alert_recipients(risk: Risk) -> list[User]:
    """A high risk alerts the village (its agent and grid workers) and the town (leaders, desk)."""
    village_staff = User.objects.filter(village_id=risk.village_id, role__in=[Role.VILLAGE_AGENT, Role.GRID_WORKER])
    town_staff = User.objects.filter(town_id=risk.town_id, role__in=[Role.LEADER, Role.DESK_CLERK])
    return [u for u in [*village_staff, *town_staff] if u.pk != risk.reported_by_id]


def risk_report(
    *,
    reporter,
    grid: Grid,
    found_on: date,
    kind: str,
    level: str,
    place: str,
    parties: str,
    description: str,
    patrol: Patrol | None = None,
    client_token: uuid.UUID | None = None,
) -> tuple[Risk, bool]:
    """Report a dispute or hazard found on patrol. High ones alert the village and the town at once."""
    if (found := _existing(Risk, client_token)) is not None:
        return found, False
    _own_grid(reporter, grid)
    if level not in Risk.Level.values or kind not in Risk.Kind.values:
        raise InvalidInput(_("Choose the kind and the risk level."))
    try:
        with transaction.atomic():
            risk = Risk.objects.create(
                town_id=reporter.town_id,
                village_id=grid.village_id,
                grid=grid,
                patrol=patrol,
                reported_by=reporter,
                found_on=found_on,
                kind=kind,
                level=level,
                place=place.strip(),
                parties=parties.strip(),
                description=description.strip(),
                client_token=client_token,
            )
            if level == Risk.Level.HIGH:
                notifications_send(
                    recipients=_alert_recipients(risk),
                    title=_("High risk in %(village)s: %(kind)s")
                    % {
                        "village": grid.village.short_name,
                        "kind": risk.get_kind_display(),
                    },
                    body=f"{risk.place} · {risk.parties}",
                    url=reverse("patrols:risk", args=[risk.pk]),
                    kind=NotificationKind.RISK,
                )
    except IntegrityError:
        if (found := _existing(Risk, client_token)) is not None:
            return found, False
        raise
    return risk, True


def _close(risk_id: int, actor, state: str, outcome: str, **fields) -> Risk:
    with transaction.atomic():
        risk = Risk.objects.select_for_update().select_related("village", "grid").get(pk=risk_id)
        if not can_handle_risk(actor, risk):
            raise NotAllowed(_("You may not handle this risk."))
        if risk.state != Risk.State.OPEN:
            raise IllegalTransition(_("This risk has already been dealt with."))
        risk.state = state
        risk.outcome = outcome
        risk.closed_at = timezone.now()
        for name, value in fields.items():
            setattr(risk, name, value)
        risk.save()
    return risk


def risk_resolve(*, risk: Risk, actor, outcome: str) -> Risk:
    if not outcome.strip():
        raise InvalidInput(_("Say how it was resolved."))
    return _close(risk.pk, actor, Risk.State.RESOLVED, outcome.strip())


RISK_CATEGORY = {
    Risk.Kind.LAND: "land-contract",
    Risk.Kind.NEIGHBOURS: "neighbours-other",
    Risk.Kind.FAMILY: "family-marriage",
    Risk.Kind.WAGES: "wages-arrears",
    Risk.Kind.SAFETY: "public-order-safety",
    Risk.Kind.ENVIRONMENT: "environment-living",
    Risk.Kind.OTHER: "other-misc",
}


def risk_to_petition(*, risk: Risk, actor, note: str = "") -> Risk:
    """Turn a risk into a petition the village reports to the town (村报提级办)."""
    with transaction.atomic():
        locked = Risk.objects.select_for_update().select_related("village", "grid").get(pk=risk.pk)
        if not can_handle_risk(actor, locked) or locked.state != Risk.State.OPEN:
            raise IllegalTransition(_("This risk has already been dealt with."))
        category = Category.objects.get(code=RISK_CATEGORY[locked.kind])
        registered = petition_services.petition_register(
            town=locked.village.town,
            actor=actor,
            channel=Channel.GRID_PATROL,
            origin=Origin.ESCALATED,
            kind=Kind.GRIEVANCE,
            category=category,
            village=locked.village,
            grid=locked.grid,
            title=f"{locked.get_kind_display()}：{locked.place}"[:100],
            content=f"{locked.description}\n当事人：{locked.parties}",
            anonymous=True,
            flags=petition_services.Flags(key_matter=locked.level == Risk.Level.HIGH),
        )
        return _close(
            locked.pk,
            actor,
            Risk.State.PETITION,
            note.strip() or _("Turned into petition %(number)s.") % {"number": registered.petition.tracking_number},
            petition=registered.petition,
        )


RISK_DISPUTE = {
    Risk.Kind.LAND: "land",
    Risk.Kind.NEIGHBOURS: "neighbours",
    Risk.Kind.FAMILY: "family",
    Risk.Kind.WAGES: "labour",
    Risk.Kind.SAFETY: "other",
    Risk.Kind.ENVIRONMENT: "environment",
    Risk.Kind.OTHER: "other",
}


def risk_to_mediation(*, risk: Risk, actor, applicant: str, respondent: str) -> Risk:
    """Send a dispute found on patrol to the village's mediation room (睦邻调解室): it is
    registered there with its two sides, and the risk points at the case."""
    from mediation import services as mediation_services
    from mediation.models import MediationRoom
    from mediation.states import PartyRole, Source

    if not applicant.strip() or not respondent.strip():
        raise InvalidInput(_("Name both sides of the dispute."))
    with transaction.atomic():
        locked = Risk.objects.select_for_update().select_related("village", "grid").get(pk=risk.pk)
        if not can_handle_risk(actor, locked) or locked.state != Risk.State.OPEN:
            raise IllegalTransition(_("This risk has already been dealt with."))
        room = MediationRoom.objects.filter(village_id=locked.village_id).first()
        if room is None:
            raise InvalidInput(_("This village has no mediation room yet (load_town creates them)."))
        case = mediation_services.mediation_case_register(
            room=room,
            actor=actor,
            source=Source.PATROL_RISK,
            dispute_kind=RISK_DISPUTE[locked.kind],
            risk_level=locked.level,
            summary=f"{locked.get_kind_display()}：{locked.place}"[:100],
            facts=locked.description,
            parties=[
                mediation_services.PartyInput(name=applicant.strip(), role=PartyRole.APPLICANT),
                mediation_services.PartyInput(name=respondent.strip(), role=PartyRole.RESPONDENT),
            ],
        )
        return _close(
            locked.pk,
            actor,
            Risk.State.MEDIATION,
            _("Sent to %(room)s as case %(number)s.") % {"room": room.name, "number": case.tracking_number},
            mediation_case=case,
        )
