"""Petitions and categories in GeoReport v2's words. Only public-safe fields: no names, no
phones, no petition text (it is the resident's own words and may name people)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Town, Village
from petitions import clocks
from petitions.models import Category, Petition
from petitions.states import OPEN_STATES, Kind, State

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Kinds a system may file through Open311: accusations go to the discipline committee by
# their own channels and never through a public standard.
PUBLIC_KINDS = (Kind.GRIEVANCE, Kind.SUGGESTION, Kind.ENQUIRY)


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, in the town's time: 2026-11-26T10:00:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _end_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def service_notice() -> str:
    days = clocks.limits()[clocks.Key.HANDLE][0]
    notify = clocks.limits()[clocks.Key.NOTIFY][0]
    return _(
        "The petitioner is told within %(notify)s days whether the petition is accepted; an accepted "
        "petition is answered in writing within %(days)s days."
    ) % {"notify": notify, "days": days}


def service_out(category: Category) -> dict:
    group = category.parent.name if category.parent_id else category.name
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": str(category),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.name, group])),
        "group": group,
    }


def _choice(key, name) -> dict:
    return {"key": str(key), "name": str(name)}


def definition_out(category: Category, villages: list[Village]) -> dict:
    """The attributes a POST may carry (attribute[code]=value)."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("One of the keys below; grievance when not given."),
                "order": 1,
                "description": _("What kind of petition this is."),
                "values": [_choice(kind.value, kind.label) for kind in PUBLIC_KINDS],
            },
            {
                "variable": True,
                "code": "title",
                "datatype": "string",
                "required": False,
                "datatype_description": _("At most 100 characters; the start of the description when not given."),
                "order": 2,
                "description": _("A one-line summary."),
            },
            {
                "variable": True,
                "code": "request",
                "datatype": "text",
                "required": False,
                "datatype_description": _("At most 4000 characters."),
                "order": 3,
                "description": _("What the petitioner asks the town to do."),
            },
            {
                "variable": True,
                "code": "village",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("The official code of the village; the same as address_id."),
                "order": 4,
                "description": _("The village or community where it happened."),
                "values": [_choice(village.code, village.name) for village in villages],
            },
            {
                "variable": True,
                "code": "headcount",
                "datatype": "number",
                "required": False,
                "datatype_description": _("A whole number, at least 1."),
                "order": 5,
                "description": _("How many people bring the petition."),
            },
        ],
    }


def status_of(petition: Petition) -> str:
    return "open" if petition.state in OPEN_STATES else "closed"


def status_notes(petition: Petition) -> str:
    notes = petition.get_state_display()
    if petition.state == State.TRANSFERRED and petition.transfer_destination:
        notes = _("transferred to %(destination)s") % {"destination": petition.transfer_destination}
    if petition.outcome:
        notes = f"{notes}: {petition.get_outcome_display()}"
    return notes


def address_of(town: Town, village: Village | None) -> str:
    """From the most specific to the most general unit, as the spec asks."""
    parts = [village.name if village else "", town.name, town.county]
    return ", ".join(part for part in parts if part)


def request_out(petition: Petition) -> dict:
    closed = petition.state not in OPEN_STATES
    return {
        "service_request_id": petition.tracking_number,
        "status": status_of(petition),
        "status_notes": status_notes(petition),
        "service_name": petition.category.name,
        "service_code": petition.category.code,
        "description": None,
        "agency_responsible": petition.unit.name if petition.unit_id else None,
        "service_notice": None,
        "requested_datetime": w3c(petition.registered_at),
        "updated_datetime": w3c((petition.closed_at if closed else None) or petition.updated_at),
        "expected_datetime": w3c(_end_of(petition.handle_due)),
        "address": address_of(petition.town, petition.village),
        "address_id": petition.village.code if petition.village_id else None,
    }


def discovery_out(*, town: Town | None, url: str, changeset: str, production: bool) -> dict:
    if town is not None:
        contact = _("%(town)s petition desk: hotline %(hotline)s, e-mail %(email)s") % {
            "town": town.name,
            "hotline": town.hotline or "-",
            "email": town.report_email or "-",
        }
    else:
        contact = _("The petition desk of each town.")
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": _(
            "An api_key is issued by the town's administrator (manage.py apitoken create, or the admin's API "
            "tokens page); reading needs no key."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production" if production else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
