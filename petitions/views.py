"""Pages of the desk. Thin: parse the form, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import sees_accusations
from core.ratelimit import allow
from core.services import AlreadyApplied, idempotency_claim
from petitions import forms, listcache, selectors, services
from petitions.actions import ACTIONS, action_forms_for
from petitions.errors import PetitionError
from petitions.export import export_xlsx
from petitions.models import Attachment
from petitions.permissions import can_register, get_petition_for_user
from petitions.privacy import petitioner_reveal
from petitions.responsibility import rules_table
from petitions.states import Channel, Kind, Origin

PAGE_SIZE = 25
# The session key of the receipt the registrar is shown once, right after registering.
ONE_TIME_RECEIPT = "one_time_receipt"


@login_required
@require_GET
def petition_list(request):
    if request.GET.get("format") == "xlsx":
        return export_xlsx(selectors.petition_list(user=request.user, data=request.GET)[0])
    cached = listcache.lookup(request)
    body = cached.body
    if body is None:
        petitions, petition_filter = selectors.petition_list(user=request.user, data=request.GET)
        searching = bool(request.GET.get("q", "").strip())
        page = selectors.list_page(petitions, searching=searching, number=request.GET.get("page"), per_page=PAGE_SIZE)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page,
            "filter": petition_filter,
            "query": query.urlencode(),
            "can_register": can_register(request.user),
        }
        body = render_to_string("petitions/_list_body.html", context, request=request)
        listcache.put(cached, body)
    return render(request, "petitions/list.html", {"body": mark_safe(body)})  # noqa: S308 - our own template's output


def _petitioner_inputs(formset) -> list[services.PetitionerInput]:
    return [
        services.PetitionerInput(
            name=row["name"],
            phone=row["phone"],
            id_number=row["id_number"],
            address=row["address"],
            is_representative=row["is_representative"],
        )
        for row in (f.cleaned_data for f in formset.forms)
        if row.get("name")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def petition_intake(request):
    """The desk clerk's one-page intake."""
    if not can_register(request.user):
        raise PermissionDenied
    town = request.user.town
    form = forms.IntakeForm(request.POST or None, town=town, user=request.user)
    people = forms.PetitionerFormSet(request.POST or None, prefix="p")
    if request.method == "POST" and form.is_valid() and people.is_valid():
        data = form.cleaned_data
        repeat_of = None
        if data["repeat_of"]:
            repeat_of = selectors.petition_list(user=request.user)[0].filter(tracking_number=data["repeat_of"]).first()
            if repeat_of is None:
                form.add_error("repeat_of", _("No petition with this tracking number."))
        if form.is_valid():
            try:
                result = services.petition_register(
                    town=town,
                    actor=request.user,
                    channel=data["channel"],
                    origin=data["origin"],
                    upstream_reference=data["upstream_reference"],
                    upstream_due=data["upstream_due"],
                    kind=data["kind"],
                    category=data["category"],
                    village=data["village"],
                    grid=data["grid"],
                    title=data["title"],
                    content=data["content"],
                    request=data["request"],
                    oral=data["oral"],
                    anonymous=data["anonymous"],
                    headcount=data["headcount"],
                    petitioners=_petitioner_inputs(people),
                    flags=services.Flags(
                        collective=data["is_collective"],
                        skip_level=data["is_skip_level"],
                        key_matter=data["is_key_matter"],
                        public_interest=data["is_public_interest"],
                    ),
                    repeat_of=repeat_of,
                    client_token=data["client_token"],
                    files=request.FILES.getlist("files"),
                    responsible_leader=data["responsible_leader"],
                    responsibility_reason=data["responsibility_reason"],
                )
            except PetitionError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                number = result.petition.tracking_number
                if result.created:
                    messages.success(request, _("Registered as %(number)s.") % {"number": number})
                    if result.petition.kind == Kind.ACCUSATION and not sees_accusations(request.user):
                        request.session[ONE_TIME_RECEIPT] = number  # the case is the inspectors' now
                return redirect("petitions:receipt", number=number)
    responsibility = {
        "rules": rules_table(town),
        "parents": dict(form.fields["category"].queryset.values_list("pk", "parent_id")),
    }
    return render(request, "petitions/intake.html", {"form": form, "people": people, "responsibility": responsibility})


@login_required
@require_GET
def intake_lookup(request):
    """The fragment the intake page shows as the clerk types a phone or ID number."""
    if not can_register(request.user):
        raise PermissionDenied
    found = selectors.intake_lookup(
        user=request.user,
        phone=request.GET.get("phone", ""),
        id_number=request.GET.get("id_number", ""),
        village_id=request.GET.get("village") or None,
        category_id=request.GET.get("category") or None,
        text=request.GET.get("title", ""),
    )
    return render(request, "petitions/_lookup.html", {"found": found})


@login_required
@require_GET
def receipt(request, number: str):
    """The receipt with the query code. Right after registering, the registrar sees it even
    for an accusation they may not open afterwards — that once, for the accuser to take home."""
    once = request.session.get(ONE_TIME_RECEIPT) == number
    petition, can_open = selectors.receipt_petition(user=request.user, tracking_number=number, once=once)
    if once:
        del request.session[ONE_TIME_RECEIPT]
    context = {
        "petition": petition,
        "can_open": can_open,
        "status_url": request.build_absolute_uri(reverse("petitions:status")),
    }
    return render(request, "petitions/receipt.html", context)


@login_required
@require_GET
def petition_detail(request, number: str):
    petition = selectors.petition_detail(user=request.user, tracking_number=number)
    return render(request, "petitions/detail.html", _detail_context(request, petition))


def _detail_context(request, petition, *, bound=None, revealed=None):
    action_forms = action_forms_for(request.user, petition, bound=bound)
    return {
        "petition": petition,
        "links": list(petition.links.all()),
        "timeline": list(petition.timeline.all()),
        "attachments": list(petition.attachments.all()),
        "action_forms": action_forms,
        "revealed": revealed or {},
        "reveal_form": forms.RevealForm(),
    }


@login_required
@require_POST
def petition_act(request, number: str, action: str):
    """One lifecycle action, posted from the case page."""
    if action not in ACTIONS:
        raise Http404
    petition = selectors.petition_detail(user=request.user, tracking_number=number)
    spec = ACTIONS[action]
    form = spec.form(request.POST, request.FILES, petition=petition, prefix=action)
    if form.is_valid():
        try:
            with transaction.atomic():
                idempotency_claim(key=form.cleaned_data.get("client_token"), user=request.user)
                spec.run(petition=petition, actor=request.user, data=form.cleaned_data)
        except AlreadyApplied:
            return redirect("petitions:detail", number=number)  # the first copy already did it
        except PetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved: %(action)s.") % {"action": spec.label})
            return redirect("petitions:detail", number=number)
    petition = selectors.petition_detail(user=request.user, tracking_number=number)
    context = _detail_context(request, petition, bound=(action, form))
    return render(request, "petitions/detail.html", context, status=400)


@login_required
@require_POST
def reveal(request, number: str, petitioner_id: int):
    """Show one petitioner's phone and ID number unmasked, and log who looked and why."""
    petition = selectors.petition_detail(user=request.user, tracking_number=number)
    form = forms.RevealForm(request.POST)
    link = next((link for link in petition.links.all() if link.petitioner_id == petitioner_id), None)
    if link is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Say why you need to see the full details."))
        return redirect("petitions:detail", number=number)
    try:
        person = petitioner_reveal(
            petition=petition, petitioner=link.petitioner, user=request.user, reason=form.cleaned_data["reason"]
        )
    except PetitionError as error:
        messages.error(request, error.message)
        return redirect("petitions:detail", number=number)
    return render(request, "petitions/detail.html", _detail_context(request, petition, revealed={person.pk: person}))


@login_required
@require_GET
def attachment_download(request, number: str, attachment_id: int):
    petition = get_petition_for_user(request.user, number)
    attachment = Attachment.objects.filter(petition=petition, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(attachment.name)}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# --- Residents, without an account -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mailbox(request):
    from core.selectors import town_for_request

    town = town_for_request(request.user)
    if town is None:
        raise Http404
    form = forms.MailboxForm(request.POST or None, town=town)
    files = request.FILES.getlist("files")
    if request.method == "POST":
        if not allow(request, "mailbox", limit=settings.MAILBOX_LIMIT_PER_HOUR, per_seconds=3600):
            return render(request, "petitions/mailbox.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            people = (
                []
                if data["anonymous"]
                else [services.PetitionerInput(name=data["name"], phone=data["phone"], village=data["village"])]
            )
            try:
                result = services.petition_register(
                    town=town,
                    actor=None,
                    channel=Channel.MAILBOX,
                    origin=Origin.DIRECT,
                    kind=data["kind"],
                    category=data["category"],
                    village=data["village"],
                    title=data["title"],
                    content=data["content"],
                    request=data["request"],
                    anonymous=data["anonymous"],
                    petitioners=people,
                    client_token=data["client_token"],
                    files=files,
                    files_public=True,
                )
            except PetitionError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session["mailbox_receipt"] = [result.petition.tracking_number, result.petition.query_code]
                return redirect("petitions:mailbox_done")
    return render(request, "petitions/mailbox.html", {"form": form, "max_files": services.MAX_FILES})


@require_GET
def mailbox_done(request):
    receipt_data = request.session.get("mailbox_receipt")
    if not receipt_data:
        return redirect("petitions:mailbox")
    number, code = receipt_data
    return render(request, "petitions/mailbox_done.html", {"number": number, "code": code})


@require_http_methods(["GET", "POST"])
def status(request):
    """The resident's status page: tracking number + query code, POSTed so the code stays
    out of addresses and logs."""
    form = forms.StatusForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if not allow(request, "status", limit=settings.STATUS_LIMIT_PER_10_MINUTES, per_seconds=600):
            return render(request, "petitions/status.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            petition = selectors.public_petition(
                tracking_number=form.cleaned_data["number"], query_code=form.cleaned_data["code"]
            )
            if petition is None:
                form.add_error(None, _("No petition matches this tracking number and query code."))
            else:
                context.update(_status_context(petition))
    return render(request, "petitions/status.html", context)


def _status_context(petition, rate_form=None):
    can_rate = petition.state == "replied" and petition.rated_at is None
    return {
        "petition": petition,
        "timeline": selectors.public_timeline(petition),
        "public_attachments": petition.attachments.filter(public=True),
        "rate_form": rate_form
        or (
            forms.RateForm(initial={"number": petition.tracking_number, "code": petition.query_code})
            if can_rate
            else None
        ),
    }


@require_POST
def rate(request):
    if not allow(request, "status", limit=settings.STATUS_LIMIT_PER_10_MINUTES, per_seconds=600):
        return HttpResponse(status=429)
    form = forms.RateForm(request.POST)
    petition = None
    if form.is_valid():
        petition = selectors.public_petition(
            tracking_number=form.cleaned_data["number"], query_code=form.cleaned_data["code"]
        )
    if petition is None:
        return redirect("petitions:status")
    try:
        petition = services.petition_rate(
            petition=petition,
            query_code=form.cleaned_data["code"],
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
    except PetitionError as error:
        form.add_error(None, error.message)
        context = {"form": forms.StatusForm(), **_status_context(petition, rate_form=form)}
        return render(request, "petitions/status.html", context, status=400)
    context = {"form": forms.StatusForm(), "thanks": True, **_status_context(petition)}
    return render(request, "petitions/status.html", context)
