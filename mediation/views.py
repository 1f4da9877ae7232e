"""Pages of the mediation rooms. Thin: parse the form, call a selector or a service, render."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Role
from core.services import AlreadyApplied, idempotency_claim
from mediation import clocks, forms, selectors, services
from mediation.actions import ACTIONS, action_forms_for, agreement_of
from mediation.models import MediationCase
from mediation.pdf import render_agreement_pdf
from mediation.permissions import (
    READ_TOWN,
    can_register_case,
    can_see_full_identity,
    get_case_for_user,
    get_room_for_user,
    rooms_visible_to,
)
from petitions.errors import NotAllowed, PetitionError
from petitions.permissions import petitions_visible_to

PAGE_SIZE = 25
AWAITING_SHOWN = 20  # agreements listed on the overview; the count shows how many there are
logger = logging.getLogger(__name__)


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


@login_required
@require_GET
def overview(request):
    """The town's overview for town staff; a mediator (or a village's staff) goes to their room."""
    user = request.user
    if _role(user) not in READ_TOWN:
        room = rooms_visible_to(user).first()
        if room is None:
            raise PermissionDenied
        return redirect("mediation:room", pk=room.pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    figures = selectors.town_overview(user, start=date(year, 1, 1), end=date(year, 12, 31))
    awaiting = selectors.agreements_awaiting_confirmation(user, on=today)
    broken = selectors.agreements_being_broken(user, on=today)
    totals = {
        key: sum(getattr(f, key) for f in figures)
        for key in ("cases", "agreed", "partly", "failed", "withdrawn", "open", "police_flagged", "concluded")
    }
    concluded = totals["concluded"]
    totals["success_rate"] = (totals["agreed"] + totals["partly"]) / concluded if concluded else None
    return render(
        request,
        "mediation/overview.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 3, -1)),
            "figures": figures,
            "totals": totals,
            "awaiting": list(awaiting[:AWAITING_SHOWN]),
            "awaiting_count": awaiting.count(),
            "broken": list(broken[:AWAITING_SHOWN]),
            "broken_count": broken.count(),
            "today": today,
        },
    )


@login_required
@require_GET
def room_detail(request, pk: int):
    """A room's page: its members (亮身份、亮职责、亮承诺), the law's composition warnings, and
    its register of cases, newest first."""
    room = get_room_for_user(request.user, pk)
    members = list(selectors.room_members(room))
    page = Paginator(selectors.room_register(request.user, room), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mediation/room.html",
        {
            "room": room,
            "members": members,
            "warnings": selectors.room_composition_warnings(room),
            "page": page,
            "can_register": can_register_case(request.user, room),
        },
    )


def _room_for_new_case(request):
    room_id = request.GET.get("room", "")
    if room_id.isdigit():
        return get_room_for_user(request.user, int(room_id))
    rooms = list(rooms_visible_to(request.user).select_related("village")[:2])
    if len(rooms) != 1:
        raise Http404
    return rooms[0]


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Register a dispute in a room's register."""
    room = _room_for_new_case(request)
    if not can_register_case(request.user, room):
        raise PermissionDenied
    form = forms.CaseForm(request.POST or None, room=room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition = None
        if data["petition"]:
            petition = petitions_visible_to(request.user).filter(tracking_number=data["petition"]).first()
            if petition is None:
                form.add_error("petition", _("No petition with this tracking number."))
        if form.is_valid():
            try:
                case = services.mediation_case_register(
                    room=room,
                    actor=request.user,
                    source=data["source"],
                    dispute_kind=data["dispute_kind"],
                    risk_level=data["risk_level"],
                    summary=data["summary"],
                    facts=data["facts"],
                    parties=form.party_inputs(),
                    petition=petition,
                    mediators=list(data["mediators"]),
                    invited_helpers=data["invited_helpers"],
                    client_token=data["client_token"],
                )
            except PetitionError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # A token reused by someone else must not open their case: check the scope again.
                case = get_case_for_user(request.user, case.tracking_number)
                messages.success(request, _("Registered as %(number)s.") % {"number": case.tracking_number})
                return redirect("mediation:case", number=case.tracking_number)
    return render(request, "mediation/case_form.html", {"form": form, "room": room})


def _detail_context(request, case: MediationCase, *, bound=None) -> dict:
    agreement = agreement_of(case)
    return {
        "case": case,
        "parties": list(case.parties.all()),
        "mediators": list(case.mediators.all()),
        "sessions": list(case.sessions.all()),
        "events": list(case.events.all()),
        "agreement": agreement,
        "terms": list(agreement.items.all()) if agreement else [],
        "days_left": clocks.confirmation_days_left(agreement) if agreement else None,
        "window_open": clocks.confirmation_window_open(agreement) if agreement else False,
        "action_forms": action_forms_for(request.user, case, bound=bound),
        "can_full_identity": agreement is not None and can_see_full_identity(request.user, case),
    }


@login_required
@require_GET
def case_detail(request, number: str):
    case = selectors.case_detail(request.user, number)
    return render(request, "mediation/detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request, number: str, action: str):
    """One lifecycle action, posted from the case page."""
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_detail(request.user, number)
    spec = ACTIONS[action]
    form = spec.form(request.POST, case=case, prefix=action)
    if form.is_valid():
        try:
            with transaction.atomic():
                idempotency_claim(key=form.cleaned_data.get("client_token"), user=request.user)
                spec.run(case=case, actor=request.user, data=form.cleaned_data)
        except AlreadyApplied:
            return redirect("mediation:case", number=number)  # the first copy already did it
        except PetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved: %(action)s.") % {"action": spec.label})
            return redirect("mediation:case", number=number)
    case = selectors.case_detail(request.user, number)
    return render(request, "mediation/detail.html", _detail_context(request, case, bound=(action, form)), status=400)


@login_required
@require_GET
def agreement_pdf(request, number: str):
    """The agreement (调解协议书) as a PDF, identity numbers and phones masked."""
    case = get_case_for_user(request.user, number)
    return _agreement_download(case, full_identity=False)


@login_required
@require_POST
def agreement_pdf_full(request, number: str):
    """The copy the parties sign, with full ID card numbers and phones: posted with a reason,
    which goes into the reveal log and the case's history before the PDF is drawn."""
    case = get_case_for_user(request.user, number)
    if agreement_of(case) is None:
        raise Http404
    if not can_see_full_identity(request.user, case):
        raise PermissionDenied
    form = forms.IdentityRevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for printing the full identity numbers."))
        return redirect("mediation:case", number=number)
    try:
        services.agreement_identity_reveal(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except NotAllowed:
        raise PermissionDenied from None
    logger.info(
        "mediation agreement printed with full identity: case=%s user=%s", case.tracking_number, request.user.pk
    )
    return _agreement_download(case, full_identity=True)


def _agreement_download(case, *, full_identity: bool) -> HttpResponse:
    agreement = agreement_of(case)
    if agreement is None:
        raise Http404
    data = render_agreement_pdf(agreement, full_identity=full_identity)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{case.tracking_number}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
