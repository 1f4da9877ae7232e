"""POST requests: an outside system files a petition with its api_key. Checked here, written
by petitions.services.petition_register (the one registration service)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from apitokens.models import ApiToken
from core.identity import normalize_phone, validate_phone
from core.models import Grid, Town, Village
from open311.errors import Open311Error
from open311.mapping import PUBLIC_KINDS
from open311.selectors import service
from petitions import services as petition_services
from petitions.errors import PetitionError
from petitions.models import Petition
from petitions.permissions import can_register
from petitions.states import Kind

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_TITLE = 100
ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[a-z_]+)\](?:\[\])?$")


@dataclass(frozen=True)
class Filed:
    petition: Petition
    created: bool


def attributes_of(data) -> dict[str, str]:
    """attribute[code]=value pairs of a form body (a list value keeps its first entry: none of
    this service's attributes is a multivaluelist)."""
    found: dict[str, str] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            found[match["code"]] = data.get(key, "").strip()
    return found


def _village(town: Town, code: str, name: str) -> Village:
    village = Village.objects.filter(town=town, code=code).first()
    if village is None:
        raise Open311Error(400, _("%(name)s %(code)s is not a village of this town.") % {"name": name, "code": code})
    return village


def _location(data, town: Town, attributes: dict[str, str]) -> tuple[Village | None, list[str]]:
    """The spec asks for one of lat & long, address_string or address_id. address_id (or the
    village attribute) is the village's official code; the rest is written into the text."""
    lines: list[str] = []
    problems: list[str] = []
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    address_string = data.get("address_string", "").strip()
    address_id = data.get("address_id", "").strip()
    village_code = attributes.get("village", "")
    if not ((lat and long) or address_string or address_id or village_code):
        raise Open311Error(400, _("Give the location: lat and long, address_string or address_id."))
    if lat or long:
        try:
            lat_value, long_value = float(lat), float(long)
        except ValueError:
            lat_value = long_value = None
        if lat_value is None or not (-90 <= lat_value <= 90 and -180 <= long_value <= 180):
            problems.append(_("lat and long must both be numbers in WGS84 degrees."))
        else:
            lines.append(_("Location: %(lat)s, %(long)s (WGS84)") % {"lat": lat_value, "long": long_value})
    if len(address_string) > 200:
        problems.append(_("address_string is longer than 200 characters."))
    elif address_string:
        lines.append(_("Address: %(address)s") % {"address": address_string})
    if address_id and village_code and address_id != village_code:
        problems.append(_("address_id and attribute[village] name different villages."))
    village = None
    code = address_id or village_code
    if code and not problems:
        village = _village(town, code, "address_id" if address_id else "attribute[village]")
    if problems:
        raise Open311Error(400, *problems)
    return village, lines


def _petitioners(data, village: Village | None) -> list[petition_services.PetitionerInput]:
    name = (data.get("last_name", "").strip() + data.get("first_name", "").strip())[:50]
    phone = data.get("phone", "").strip()
    if not name:
        if phone:
            raise Open311Error(400, _("Give first_name or last_name with the phone, or neither (anonymous)."))
        return []
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise Open311Error(400, f"phone: {' '.join(exc.messages)}") from None
        phone = normalize_phone(phone)
    return [petition_services.PetitionerInput(name=name, phone=phone, village=village)]


def _headcount(raw: str) -> int:
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise Open311Error(400, _("attribute[headcount] must be a whole number, at least 1."))
    return int(raw)


def request_file(*, token: ApiToken, data, client_token: uuid.UUID | None) -> Filed:
    """Register the petition a POST describes, as the token's account and through its channel.
    With a client token, a retried POST returns the first petition."""
    user = token.user
    if not can_register(user):
        raise Open311Error(403, _("This api_key may not file requests."))
    town = user.town
    problems: list[str] = []
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = service(code)  # 404 when unknown
    description = data.get("description", "").strip()
    if not description:
        problems.append(_("description was not provided."))
    elif len(description) > MAX_DESCRIPTION:
        problems.append(_("description is longer than 4000 characters."))
    attributes = attributes_of(data)
    kind = attributes.get("kind") or Kind.GRIEVANCE
    if kind not in PUBLIC_KINDS:
        problems.append(_("attribute[kind] must be one of: %(keys)s.") % {"keys": ", ".join(PUBLIC_KINDS)})
    title = attributes.get("title", "") or (description.splitlines()[0][:50] if description else "")
    if len(title) > MAX_TITLE:
        problems.append(_("attribute[title] is longer than 100 characters."))
    request_text = attributes.get("request", "")
    if len(request_text) > MAX_DESCRIPTION:
        problems.append(_("attribute[request] is longer than 4000 characters."))
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append(_("media_url is not an http(s) address."))
    if problems:
        raise Open311Error(400, *problems)
    headcount = _headcount(attributes.get("headcount", ""))
    village, location_lines = _location(data, town, attributes)
    if village is None and user.is_village_scoped:
        village = user.village
    grid: Grid | None = user.grid if user.grid_id and village is not None and village.pk == user.village_id else None
    petitioners = _petitioners(data, village)
    extra = [*location_lines]
    if media_url:
        extra.append(_("Media: %(url)s") % {"url": media_url})
    content = description + ("\n\n" + "\n".join(extra) if extra else "")
    try:
        result = petition_services.petition_register(
            town=town,
            actor=user,
            channel=token.channel,
            kind=kind,
            category=category,
            title=title,
            content=content,
            request=request_text,
            village=village,
            grid=grid,
            petitioners=petitioners,
            anonymous=not petitioners,
            headcount=headcount,
            client_token=client_token,
        )
    except PetitionError as exc:
        raise Open311Error(400, exc.message) from None
    return Filed(petition=result.petition, created=result.created)
