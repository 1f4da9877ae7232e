"""Pages of the liaison joint meetings and their decisions. Thin: parse the form, call a
selector or a service, render. The discipline committee's pages are in `discipline_views`."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import forms, selectors, services
from accountability.models import AgendaItem, Meeting
from accountability.pdf import render_minutes_pdf
from accountability.permissions import (
    can_manage_meeting,
    can_plan_meeting,
    can_report_on_decision,
    get_decision_for_user,
    meetings_visible_to,
)
from accountability.states import AgendaReason, Level, MeetingState
from core.services import AlreadyApplied, idempotency_claim
from petitions.errors import NotAllowed, PetitionError
from petitions.permissions import petitions_visible_to

PAGE_SIZE = 20


def _run(bound, service, /, **kwargs):
    """Call a service; a refusal becomes an error of the ``bound`` form (or a 403 when the
    role may not)."""
    try:
        return service(**kwargs)
    except NotAllowed:
        raise PermissionDenied from None
    except PetitionError as error:
        bound.add_error(None, error.message)
        return None


def _claimed_run(bound, service, /, *, user, **kwargs):
    """As `_run`, inside the transaction that claims the form's client token: a replayed
    submit applies nothing and returns ``AlreadyApplied``."""
    try:
        with transaction.atomic():
            idempotency_claim(key=bound.cleaned_data.get("client_token"), user=user)
            return service(**kwargs)
    except AlreadyApplied:
        return AlreadyApplied
    except NotAllowed:
        raise PermissionDenied from None
    except PetitionError as error:
        bound.add_error(None, error.message)
        return None


# --- Meetings -----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    """Planned meetings first (nearest first), then the held ones, newest first."""
    level = request.GET.get("level", "")
    meetings = selectors.meeting_list(request.user, level=level)
    planned = list(meetings.filter(state=MeetingState.PLANNED).order_by("date", "id"))
    past = Paginator(meetings.exclude(state=MeetingState.PLANNED).order_by("-date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accountability/meeting_list.html",
        {
            "planned": planned,
            "page": past,
            "level": level if level in Level.values else "",
            "levels": Level.choices,
            "today": timezone.localdate(),
            "can_plan": request.user.town is not None and can_plan_meeting(request.user, request.user.town),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    town = request.user.town
    if town is None or not can_plan_meeting(request.user, town):
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, town=town, initial={"secretary": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = _claimed_run(
            form,
            services.meeting_plan,
            user=request.user,
            town=town,
            actor=request.user,
            date=data["date"],
            level=data["level"],
            chair=data["chair"],
            secretary=data["secretary"],
            attendees=data["attendees"],
            other_attendees=data["other_attendees"],
        )
        if meeting is AlreadyApplied:
            return redirect("accountability:meetings")
        if meeting is not None:
            messages.success(request, _("Meeting planned."))
            return redirect("accountability:meeting", pk=meeting.pk)
    return render(request, "accountability/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _meeting(request, pk: int) -> Meeting:
    """The meeting, or 404 outside the user's scope (`meetings_visible_to`)."""
    meeting = meetings_visible_to(request.user).select_related("chair", "secretary", "town").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _meeting_page(request, meeting: Meeting, *, status: int = 200, **bound):
    """The meeting page; ``bound`` holds a form that failed, shown with its errors."""
    can_manage = can_manage_meeting(request.user, meeting)
    planned = meeting.state == MeetingState.PLANNED
    proposals = selectors.agenda_proposals(meeting) if planned and can_manage else []
    context = {
        "meeting": meeting,
        "attendees": list(meeting.attendees.order_by("role", "username")),
        "items": selectors.meeting_agenda(meeting),
        "events": list(meeting.events.select_related("actor", "petition").order_by("-at", "-id")[:30]),
        "can_manage": can_manage,
        "proposals": [(p.petition, AgendaReason(p.reason).label) for p in proposals],
        "proposals_form": bound.get("proposals_form") or forms.ProposalsForm(proposals=proposals),
        "add_form": bound.get("add_form") or forms.AgendaAddForm(),
        "remove_form": bound.get("remove_form"),
        "remove_item": bound.get("remove_item"),
        "hold_form": bound.get("hold_form") or forms.HoldForm(initial={"minutes": meeting.minutes}),
        "error": bound.get("error"),
    }
    return render(request, "accountability/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _meeting_page(request, _meeting(request, pk))


@login_required
@require_POST
def agenda_add_proposals(request, pk: int):
    meeting = _meeting(request, pk)
    proposals = selectors.agenda_proposals(meeting)
    form = forms.ProposalsForm(request.POST, proposals=proposals)
    if form.is_valid():
        items = _run(
            form,
            services.agenda_proposals_add,
            meeting=meeting,
            actor=request.user,
            petition_ids=form.cleaned_data["petitions"],
        )
        if items is not None:
            messages.success(request, _("%(count)d cases added to the agenda.") % {"count": len(items)})
            return redirect("accountability:meeting", pk=pk)
    return _meeting_page(request, meeting, status=400, proposals_form=form)


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = _meeting(request, pk)
    form = forms.AgendaAddForm(request.POST)
    if form.is_valid():
        petition = petitions_visible_to(request.user).filter(tracking_number=form.cleaned_data["number"]).first()
        if petition is None:
            form.add_error("number", _("No petition with this tracking number."))
        elif _run(
            form,
            services.agenda_item_add,
            meeting=meeting,
            actor=request.user,
            petition=petition,
            note=form.cleaned_data["note"],
        ):
            messages.success(request, _("%(number)s added to the agenda.") % {"number": petition.tracking_number})
            return redirect("accountability:meeting", pk=pk)
    return _meeting_page(request, meeting, status=400, add_form=form)


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.items.select_related("petition", "meeting").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_POST
def agenda_remove(request, pk: int, item_id: int):
    meeting = _meeting(request, pk)
    item = _item(meeting, item_id)
    form = forms.AgendaRemoveForm(request.POST, prefix=f"remove{item.pk}")
    if form.is_valid():
        try:
            services.agenda_item_remove(item=item, actor=request.user, reason=form.cleaned_data["reason"])
        except NotAllowed:
            raise PermissionDenied from None
        except PetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(number)s taken off the agenda.") % {"number": item.petition.tracking_number})
            return redirect("accountability:meeting", pk=pk)
    return _meeting_page(request, meeting, status=400, remove_form=form, remove_item=item.pk)


@login_required
@require_POST
def agenda_move(request, pk: int, item_id: int):
    meeting = _meeting(request, pk)
    item = _item(meeting, item_id)
    if not can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    form = forms.AgendaMoveForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, error=_("Choose up or down."))
    order = list(meeting.items.order_by("order", "id").values_list("pk", flat=True))
    index = order.index(item.pk)
    other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            services.agenda_reorder(meeting=meeting, actor=request.user, item_ids=order)
        except NotAllowed:
            raise PermissionDenied from None
        except PetitionError as error:
            return _meeting_page(request, meeting, status=400, error=error.message)
    return redirect(reverse("accountability:meeting", args=[pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def meeting_hold(request, pk: int):
    meeting = _meeting(request, pk)
    form = forms.HoldForm(request.POST)
    if form.is_valid() and _run(
        form, services.meeting_hold, meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"]
    ):
        messages.success(request, _("The meeting is held: record a decision for each item."))
        return redirect("accountability:meeting", pk=pk)
    return _meeting_page(request, meeting, status=400, hold_form=form)


@login_required
@require_POST
def meeting_close(request, pk: int):
    meeting = _meeting(request, pk)
    try:
        services.meeting_close(meeting=meeting, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except PetitionError as error:
        return _meeting_page(request, meeting, status=400, error=error.message)
    messages.success(request, _("The meeting is closed."))
    return redirect("accountability:meeting", pk=pk)


@login_required
@require_GET
def minutes_pdf(request, pk: int):
    """The minutes (会议纪要) as a PDF, once the meeting is held."""
    meeting = _meeting(request, pk)
    if meeting.state == MeetingState.PLANNED:
        raise Http404
    response = HttpResponse(render_minutes_pdf(meeting), content_type="application/pdf")
    name = f"{_('Minutes of the meeting')}-{meeting.date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


# --- One agenda item: its decision, or sending it on to the district ----------------------------


def _item_page(request, meeting, item, *, decision_form=None, send_form=None, status=200):
    if decision_form is None:
        decision_form = forms.DecisionForm(
            town=meeting.town,
            initial={"unit": item.petition.unit_id, "leader": item.petition.responsible_leader_id},
        )
    return render(
        request,
        "accountability/item.html",
        {
            "meeting": meeting,
            "item": item,
            "decision": getattr(item, "decision", None),
            "can_manage": can_manage_meeting(request.user, meeting),
            "decision_form": decision_form,
            "send_form": send_form or forms.SendOnForm(),
        },
        status=status,
    )


def _agenda_item(request, pk: int, item_id: int):
    meeting = _meeting(request, pk)
    item = (
        meeting.items.select_related(
            "petition__unit", "petition__responsible_leader", "decision__unit", "decision__leader", "meeting"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return meeting, item


@login_required
@require_GET
def item_detail(request, pk: int, item_id: int):
    meeting, item = _agenda_item(request, pk, item_id)
    return _item_page(request, meeting, item)


@login_required
@require_POST
def item_decide(request, pk: int, item_id: int):
    meeting, item = _agenda_item(request, pk, item_id)
    form = forms.DecisionForm(request.POST, town=meeting.town)
    if form.is_valid():
        data = form.cleaned_data
        decision = _claimed_run(
            form,
            services.decision_record,
            user=request.user,
            item=item,
            actor=request.user,
            resolution=data["resolution"],
            unit=data["unit"],
            leader=data["leader"],
            deadline=data["deadline"],
        )
        if decision is not None:
            if decision is not AlreadyApplied:
                messages.success(
                    request, _("Decision recorded for %(number)s.") % {"number": item.petition.tracking_number}
                )
            return redirect(reverse("accountability:meeting", args=[pk]) + f"#item-{item.pk}")
    return _item_page(request, meeting, item, decision_form=form, status=400)


@login_required
@require_POST
def item_send_on(request, pk: int, item_id: int):
    meeting, item = _agenda_item(request, pk, item_id)
    form = forms.SendOnForm(request.POST)
    if form.is_valid():
        decision = _claimed_run(
            form,
            services.decision_send_to_district,
            user=request.user,
            item=item,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        if decision is not None:
            if decision is not AlreadyApplied:
                messages.success(
                    request,
                    _("%(number)s sent on to the district joint meeting.") % {"number": item.petition.tracking_number},
                )
            return redirect(reverse("accountability:meeting", args=[pk]) + f"#item-{item.pk}")
    return _item_page(request, meeting, item, send_form=form, status=400)


# --- Decisions tracked until carried out -------------------------------------------------------


@login_required
@require_GET
def decision_list(request):
    decisions, decision_filter = selectors.decision_list(request.user, data=request.GET)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    unit_ids = set(request.user.handling_units.values_list("pk", flat=True))
    rows = [(d, can_report_on_decision(request.user, d, unit_ids=unit_ids)) for d in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accountability/decisions.html",
        {
            "page": page,
            "rows": rows,
            "filter": decision_filter,
            "query": query.urlencode(),
            "report_form": forms.DecisionReportForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def decision_report(request, pk: int):
    """The responsible unit or leader says a decision was carried out, or was not."""
    decision = get_decision_for_user(request.user, pk)
    form = forms.DecisionReportForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("accountability:decisions")
    if form.is_valid():
        if form.cleaned_data["outcome"] == forms.DONE:
            done = _run(
                form, services.decision_mark_done, decision=decision, actor=request.user, note=form.cleaned_data["note"]
            )
        else:
            done = _run(
                form,
                services.decision_mark_not_done,
                decision=decision,
                actor=request.user,
                reason=form.cleaned_data["note"],
            )
        if done is not None:
            messages.success(request, _("Saved: %(state)s.") % {"state": done.get_state_display()})
            return redirect(target)
    errors = [str(e) for e in form.non_field_errors()] + [str(e) for field in form.errors.values() for e in field]
    messages.error(request, " ".join(dict.fromkeys(errors)))
    return redirect(target)
