"""Reads for Open311: the jurisdiction, the services (petition categories) and the public
view of petitions as service requests. Accusations (检举控告) never appear here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.models import Town
from open311.errors import Open311Error
from petitions.models import Category, Petition
from petitions.states import OPEN_STATES, Kind

WINDOW = timedelta(days=90)  # "may not span more than 90 days"; the default range
LIMIT = 1000  # "or first 1000 requests returned, whichever is smallest"
STATUSES = ("open", "closed")
# What a request shows; the petition's text and its people are never loaded.
PUBLIC_FIELDS = (
    "tracking_number",
    "state",
    "kind",
    "outcome",
    "transfer_destination",
    "registered_at",
    "updated_at",
    "closed_at",
    "handle_due",
    "category__code",
    "category__name",
    "unit__name",
    "village__code",
    "village__name",
    "town__name",
    "town__county",
)


def jurisdiction(jurisdiction_id: str | None) -> Town:
    """The town asked for (its official code), or the only one when the deployment serves
    one town and none is named. One query."""
    if jurisdiction_id:
        town = Town.objects.filter(code=jurisdiction_id.strip()).first()
        if town is None:
            raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": jurisdiction_id})
        return town
    towns = list(Town.objects.order_by("code")[:2])
    if len(towns) != 1:
        raise Open311Error(400, _("jurisdiction_id was not provided (the official code of the town)."))
    return towns[0]


def services() -> list[Category]:
    """The categories a request can be filed under: every active second-level category, and
    active first-level ones without active children. One query."""
    active = list(Category.objects.filter(active=True).select_related("parent").order_by("sort", "code"))
    parents = {category.parent_id for category in active if category.parent_id}
    leaves = [c for c in active if c.parent_id and c.parent.active]
    alone = [c for c in active if c.parent_id is None and c.pk not in parents]
    return sorted([*leaves, *alone], key=lambda c: ((c.parent or c).sort, (c.parent or c).code, c.sort, c.code))


def service(service_code: str) -> Category:
    category = Category.objects.select_related("parent").filter(code=service_code, active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code})
    return category


def public_requests(town: Town) -> QuerySet[Petition]:
    return (
        Petition.objects.filter(town=town)
        .exclude(kind=Kind.ACCUSATION)
        .select_related("category", "unit", "village", "town")
        .only(*PUBLIC_FIELDS)
    )


def public_request(town: Town, service_request_id: str) -> Petition:
    petition = public_requests(town).filter(tracking_number=service_request_id.strip().upper()).first()
    if petition is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": service_request_id})
    return petition


@dataclass(frozen=True)
class Search:
    ids: list[str]
    service_codes: list[str]
    start: datetime
    end: datetime
    statuses: list[str]


def _values(params, name: str) -> list[str]:
    """A parameter "declared multiple times, comma delimited": both a=1,2 and a=1&a=2."""
    return [part.strip() for raw in params.getlist(name) for part in raw.split(",") if part.strip()]


def _moment(raw: str, name: str, *, end: bool) -> datetime:
    """A W3C date-time with its zone (2010-01-01T00:00:00Z) or a bare date (the whole day)."""
    value = raw.strip().replace(" ", "+")  # an unescaped "+08:00" arrives as " 08:00"
    moment = day = None
    try:
        if len(value) == len("2026-01-01"):
            day = parse_date(value)
        else:
            moment = parse_datetime(value)
    except ValueError:
        pass
    if moment is not None:
        if timezone.is_naive(moment):
            raise Open311Error(
                400, _("%(name)s needs a time zone, for example 2026-01-01T00:00:00+08:00.") % {"name": name}
            )
        return moment
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time.min))
        return start + timedelta(days=1) - timedelta(microseconds=1) if end else start
    raise Open311Error(400, _("%(name)s is not a W3C date-time, for example 2026-01-01T00:00:00Z.") % {"name": name})


def search_params(params, *, now: datetime) -> Search:
    """Check the parameters of GET requests; every problem at once, as one 400."""
    problems: list[str] = []
    start = end = None
    for name in ("start_date", "end_date"):
        if params.get(name, "").strip():
            try:
                moment = _moment(params[name], name, end=name == "end_date")
            except Open311Error as exc:
                problems.extend(exc.descriptions)
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if start is None and end is None:
        end, start = now, now - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if start is not None and end is not None:
        if end < start:
            problems.append(_("end_date lies before start_date."))
        elif end - start > WINDOW:
            problems.append(_("start_date and end_date may not span more than 90 days."))
    statuses = _values(params, "status")
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        problems.append(_("status must be open or closed, not %(value)s.") % {"value": ", ".join(unknown)})
    codes = _values(params, "service_code")
    if codes:
        known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [code for code in codes if code not in known]
        if missing:
            problems.append(_("service_code %(code)s was not found.") % {"code": ", ".join(missing)})
    if problems:
        raise Open311Error(400, *problems)
    return Search(
        ids=_values(params, "service_request_id"), service_codes=codes, start=start, end=end, statuses=statuses
    )


def search(town: Town, query: Search) -> list[Petition]:
    """GET requests: service_request_id overrides every other argument; otherwise the date
    range (≤ 90 days), service codes and statuses; newest first, at most 1000. One query."""
    petitions = public_requests(town)
    if query.ids:
        petitions = petitions.filter(tracking_number__in=[i.upper() for i in query.ids[:LIMIT]])
    else:
        petitions = petitions.filter(registered_at__gte=query.start, registered_at__lte=query.end)
        if query.service_codes:
            petitions = petitions.filter(category__code__in=query.service_codes)
        if set(query.statuses) == {"open"}:
            petitions = petitions.filter(state__in=OPEN_STATES)
        elif set(query.statuses) == {"closed"}:
            petitions = petitions.exclude(Q(state__in=OPEN_STATES))
    return list(petitions.order_by("-registered_at", "-id")[:LIMIT])
