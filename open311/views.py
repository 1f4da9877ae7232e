"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/. Thin views:
selectors read, open311.services files, open311.formats writes XML or JSON; every failure is
the spec's error body with its status (400, 403 api_key, 404, 405, 429)."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apitokens.selectors import api_token_for_secret
from apitokens.throttling import ApiTokenRateThrottle
from core.models import Town, Village
from core.ratelimit import allow
from open311 import mapping, selectors
from open311.errors import Open311Error
from open311.formats import XML, errors, respond
from open311.services import request_file

# Bump when the services or their definitions change shape (discovery's "changeset").
CHANGESET = "2026-11-26 00:00"


def open311_view(*methods: str):
    """Allow only `methods`; turn Open311Error into the spec's error body."""

    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str = XML, **kwargs):
            if request.method not in allowed:
                response = errors(fmt, 405, _("Method %(method)s is not allowed here.") % {"method": request.method})
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return errors(fmt, exc.status, *exc.descriptions, headers=exc.headers)

        return wrapper

    return decorate


def _count_lookup(request) -> None:
    """Looking requests up shares the status page's allowance per address (STATUS_LIMIT_PER_10_MINUTES):
    walking tracking numbers through Open311 is no cheaper than through the status page."""
    if not allow(request, "status", limit=settings.STATUS_LIMIT_PER_10_MINUTES, per_seconds=600):
        raise Open311Error(
            429, _("Too many look-ups from this address; try again in 10 minutes."), headers={"Retry-After": "600"}
        )


@open311_view("GET")
def discovery(request, fmt):
    towns = list(Town.objects.order_by("code")[:2])
    url = request.build_absolute_uri("/open311/v2")
    body = mapping.discovery_out(
        town=towns[0] if len(towns) == 1 else None, url=url, changeset=CHANGESET, production=not settings.DEBUG
    )
    return respond(fmt, "discovery", body)


@open311_view("GET")
def service_list(request, fmt):
    selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    return respond(fmt, "services", [mapping.service_out(category) for category in selectors.services()])


@open311_view("GET")
def service_definition(request, service_code, fmt):
    town = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    category = selectors.service(service_code)
    villages = list(Village.objects.filter(town=town).order_by("code"))
    return respond(fmt, "service_definition", mapping.definition_out(category, villages))


@csrf_exempt  # systems authenticate with api_key, never with a browser session
@open311_view("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    _count_lookup(request)
    town = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    query = selectors.search_params(request.GET, now=timezone.now())
    rows = [mapping.request_out(petition) for petition in selectors.search(town, query)]
    return respond(fmt, "service_requests", rows)


def _post_request(request, fmt):
    secret = request.POST.get("api_key", "").strip()
    if not secret:
        raise Open311Error(403, _("api_key was not provided -- can't proceed with create_request."))
    token = api_token_for_secret(secret)
    if token is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    request.api_token = token  # apitokens.middleware logs the use with its status
    if not token.is_usable() or not token.user.is_active:
        raise Open311Error(403, _("This api_key has been revoked or has expired."))
    throttle = ApiTokenRateThrottle()
    if not throttle.allow_token(token):
        wait = int(throttle.wait() or 1)
        raise Open311Error(
            429,
            _("Too many requests with this api_key; try again in %(seconds)s seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    jurisdiction_id = request.POST.get("jurisdiction_id", "").strip()
    if jurisdiction_id and selectors.jurisdiction(jurisdiction_id).pk != token.user.town_id:
        raise Open311Error(403, _("This api_key does not work for jurisdiction_id %(id)s.") % {"id": jurisdiction_id})
    raw_key = request.headers.get("Idempotency-Key", "").strip()
    try:
        client_token = uuid.UUID(raw_key) if raw_key else None
    except ValueError:
        raise Open311Error(400, _("The Idempotency-Key header must be a UUID.")) from None
    filed = request_file(token=token, data=request.POST, client_token=client_token)
    body = [
        {
            "service_request_id": filed.petition.tracking_number,
            "service_notice": mapping.service_notice(),
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", body, status=201 if filed.created else 200)


@open311_view("GET")
def request_detail(request, service_request_id, fmt):
    _count_lookup(request)
    town = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    petition = selectors.public_request(town, service_request_id)
    return respond(fmt, "service_requests", [mapping.request_out(petition)])


@open311_view("GET")
def token_detail(request, token, fmt):
    """The request filed with a client token (the Idempotency-Key of the POST): lets a system
    whose POST answer was lost learn the service_request_id."""
    _count_lookup(request)
    town = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    try:
        key = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token}) from None
    petition = selectors.public_requests(town).filter(client_token=key).first()
    if petition is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return respond(fmt, "service_requests", [{"service_request_id": petition.tracking_number, "token": token}])


@open311_view("GET", "POST")
def not_found(request, fmt=XML, **kwargs):
    raise Open311Error(404, _("There is no such Open311 resource; see discovery.xml."))
