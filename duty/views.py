"""Pages of the village assessment and the duty roster. Thin: parse, call a selector or a
service, render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Village
from duty import assessment as scoring
from duty import forms, selectors, services
from duty.export import assessment_workbook, formula_lines
from duty.models import DutyLog, LeaderOnDuty, ReceptionDay, StaffCard
from duty.permissions import (
    can_edit_scheme,
    can_manage_roster,
    can_view_assessment,
    can_view_roster,
    get_for_user,
    town_of,
)
from petitions.errors import PetitionError
from petitions.permissions import petitions_visible_to

PETITIONS_SHOWN = 50  # on a village's breakdown


# --- Assessment --------------------------------------------------------------------------------


def _period(request, today):
    period = scoring.parse_period(request.GET.get("period"), today=today)
    if period is None:
        messages.error(request, _("That period cannot be assessed: showing this year instead."))
        period = scoring.year_period(today.year)
    return period


@login_required
@require_GET
def assessment(request):
    town = town_of(request.user, allowed=can_view_assessment)
    today = timezone.localdate()
    period = _period(request, today)
    result = scoring.assess(town=town, period=period, today=today)
    return render(
        request,
        "duty/assessment.html",
        {
            "a": result,
            "period": period,
            "choices": scoring.period_choices(period, today=today),
            "formula": formula_lines(result.scheme),
            "can_edit_scheme": can_edit_scheme(request.user),
        },
    )


@login_required
@require_GET
def assessment_village(request, code: str):
    town = town_of(request.user, allowed=can_view_assessment)
    village = Village.objects.filter(town=town, code=code).first()
    if village is None:
        raise Http404
    today = timezone.localdate()
    period = _period(request, today)
    result = scoring.assess(town=town, period=period, today=today)
    row = next(r for r in result.rows if r.village.pk == village.pk)
    flagged = list(
        petitions_visible_to(request.user)
        .filter(village=village)
        .filter(period.span.q("registered_at"))
        .filter(Q(is_skip_level=True) | Q(is_repeat=True))
        .order_by("-registered_at", "-id")[:PETITIONS_SHOWN]
    )
    return render(
        request,
        "duty/assessment_village.html",
        {
            "a": result,
            "row": row,
            "village": village,
            "period": period,
            "flagged": flagged,
            "formula": formula_lines(result.scheme),
        },
    )


@login_required
@require_GET
def assessment_export(request):
    town = town_of(request.user, allowed=can_view_assessment)
    today = timezone.localdate()
    period = scoring.parse_period(request.GET.get("period"), today=today)
    if period is None:
        raise Http404
    result = scoring.assess(town=town, period=period, today=today)
    response = HttpResponse(
        assessment_workbook(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{_('Village assessment')} {period.key}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"assessment-{period.key}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request):
    town = town_of(request.user, allowed=can_edit_scheme)
    scheme = scoring.scheme_for(town)
    form = forms.SchemeForm(request.POST or None, instance=scoring.scheme_for(town))
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(town=town, actor=request.user, values=form.cleaned_data)
        except PetitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The assessment scheme was saved."))
            return redirect("duty:assessment")
    changes = DutyLog.objects.filter(town=town, action=DutyLog.Action.SCHEME_CHANGE).select_related("actor")[:10]
    return render(
        request,
        "duty/scheme.html",
        {"form": form, "scheme": scheme, "formula": formula_lines(scheme), "changes": list(changes)},
    )


# --- Roster ------------------------------------------------------------------------------------


@login_required
@require_GET
def roster(request):
    town = town_of(request.user, allowed=can_view_roster)
    today = timezone.localdate()
    first = selectors.parse_month(request.GET.get("month"), today=today)
    if first is None:
        messages.error(request, _("That month cannot be shown: showing this month instead."))
        first = today.replace(day=1)
    return render(
        request,
        "duty/roster.html",
        {
            "first": first,
            "previous": selectors.previous_month(first),
            "next": selectors.next_month(first),
            "days": selectors.roster_month(town=town, first=first),
            "cards": list(selectors.staff_cards(town=town)),
            "today": today,
            "can_manage": can_manage_roster(request.user),
            "fill_form": forms.FillMonthForm(leaders=selectors.town_leaders(town), initial={"month": first})
            if can_manage_roster(request.user)
            else None,
        },
    )


@login_required
@require_POST
def duty_fill(request):
    """Fill the month's empty days with the chosen leaders in turn."""
    town = town_of(request.user, allowed=can_manage_roster)
    form = forms.FillMonthForm(request.POST, leaders=selectors.town_leaders(town))
    if not form.is_valid():
        messages.error(request, _("Choose at least one leader."))
        month = selectors.parse_day(request.POST.get("month")) or timezone.localdate()
        return redirect(_back_to_month(month))
    first = form.cleaned_data["month"].replace(day=1)
    try:
        added = services.duty_fill_month(
            town=town, actor=request.user, first=first, leaders=list(form.cleaned_data["leaders"])
        )
    except PetitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s days filled.") % {"count": len(added)})
    return redirect(_back_to_month(first))


def _confirmed(request) -> bool:
    """A removal needs its "yes, remove it" box ticked (no script: the page's CSP allows none)."""
    if request.POST.get("confirm"):
        return True
    messages.error(request, _("Tick the box to confirm the removal."))
    return False


def _back_to_month(day) -> str:
    return f"{reverse('duty:roster')}?month={day:%Y-%m}"


def _save(request, form, call, success: str, day_of):
    """Run a service with the form's data; its error goes back onto the form."""
    try:
        obj = call(form.cleaned_data)
    except PetitionError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, success)
    return redirect(_back_to_month(day_of(obj)))


@login_required
@require_http_methods(["GET", "POST"])
def duty_new(request):
    town = town_of(request.user, allowed=can_manage_roster)
    leaders = selectors.town_leaders(town)
    day = selectors.parse_day(request.GET.get("day"))
    form = forms.DutyForm(request.POST or None, leaders=leaders, initial={"day": day})
    if request.method == "POST" and form.is_valid():
        done = _save(
            request,
            form,
            lambda d: services.duty_add(
                town=town, actor=request.user, day=d["day"], leader=d["leader"], note=d["note"]
            ),
            _("Leader on duty saved."),
            lambda duty: duty.day,
        )
        if done:
            return done
    return render(request, "duty/form.html", {"form": form, "title": _("Put a leader on duty"), "back": day})


@login_required
@require_http_methods(["GET", "POST"])
def duty_edit(request, pk: int):
    duty = get_for_user(request.user, LeaderOnDuty, pk)
    leaders = selectors.town_leaders(duty.town)
    initial = {"day": duty.day, "leader": duty.leader_id, "note": duty.note}
    form = forms.DutyForm(request.POST or None, leaders=leaders, initial=initial, fixed_day=True)
    if request.method == "POST" and form.is_valid():
        done = _save(
            request,
            form,
            lambda d: services.duty_change(duty=duty, actor=request.user, leader=d["leader"], note=d["note"]),
            _("Leader on duty saved."),
            lambda obj: obj.day,
        )
        if done:
            return done
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": _("Leader on duty, %(day)s") % {"day": duty.day.isoformat()},
            "back": duty.day,
            "remove_url": reverse("duty:duty_remove", args=[duty.pk]),
        },
    )


@login_required
@require_POST
def duty_remove(request, pk: int):
    duty = get_for_user(request.user, LeaderOnDuty, pk)
    if not _confirmed(request):
        return redirect("duty:duty_edit", pk=duty.pk)
    day = duty.day
    services.duty_remove(duty=duty, actor=request.user)
    messages.success(request, _("Removed from the roster."))
    return redirect(_back_to_month(day))


def _reception_call(request, town, reception=None):
    def call(d):
        fields = {k: d[k] for k in ("day", "leader", "place", "starts", "ends", "topic")}
        if reception is None:
            return services.reception_add(town=town, actor=request.user, **fields)
        return services.reception_change(reception=reception, actor=request.user, **fields)

    return call


@login_required
@require_http_methods(["GET", "POST"])
def reception_new(request):
    town = town_of(request.user, allowed=can_manage_roster)
    day = selectors.parse_day(request.GET.get("day"))
    initial = {"day": day, "starts": "09:00", "ends": "11:30", "place": selectors.last_reception_place(town)}
    form = forms.ReceptionForm(request.POST or None, leaders=selectors.town_leaders(town), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, _reception_call(request, town), _("Reception day saved."), lambda r: r.day)
        if done:
            return done
    return render(request, "duty/form.html", {"form": form, "title": _("Add a reception day"), "back": day})


@login_required
@require_http_methods(["GET", "POST"])
def reception_edit(request, pk: int):
    reception = get_for_user(request.user, ReceptionDay, pk)
    initial = {k: getattr(reception, k) for k in ("day", "place", "starts", "ends", "topic")} | {
        "leader": reception.leader_id
    }
    form = forms.ReceptionForm(request.POST or None, leaders=selectors.town_leaders(reception.town), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _save(
            request,
            form,
            _reception_call(request, reception.town, reception),
            _("Reception day saved."),
            lambda r: r.day,
        )
        if done:
            return done
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": _("Reception day, %(day)s") % {"day": reception.day.isoformat()},
            "back": reception.day,
            "remove_url": reverse("duty:reception_remove", args=[reception.pk]),
        },
    )


@login_required
@require_POST
def reception_remove(request, pk: int):
    reception = get_for_user(request.user, ReceptionDay, pk)
    if not _confirmed(request):
        return redirect("duty:reception_edit", pk=reception.pk)
    day = reception.day
    services.reception_remove(reception=reception, actor=request.user)
    messages.success(request, _("Reception day removed."))
    return redirect(_back_to_month(day))


# --- Staff cards -------------------------------------------------------------------------------

CARD_VALUES = ("name", "post", "identity", "duty", "commitment", "sort", "active")


def _cards_done(request, message: str):
    messages.success(request, message)
    return redirect(f"{reverse('duty:roster')}#cards")


@login_required
@require_http_methods(["GET", "POST"])
def card_new(request):
    town = town_of(request.user, allowed=can_manage_roster)
    form = forms.CardForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in CARD_VALUES}
        try:
            services.card_add(town=town, actor=request.user, values=values, photo=form.cleaned_data["photo"])
        except PetitionError as exc:
            form.add_error(None, exc.message)
        else:
            return _cards_done(request, _("Staff card saved."))
    return render(request, "duty/form.html", {"form": form, "title": _("Add a staff card"), "multipart": True})


@login_required
@require_http_methods(["GET", "POST"])
def card_edit(request, pk: int):
    card = get_for_user(request.user, StaffCard, pk)
    initial = {k: getattr(card, k) for k in CARD_VALUES}
    form = forms.CardForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in CARD_VALUES}
        try:
            services.card_change(
                card=card,
                actor=request.user,
                values=values,
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
        except PetitionError as exc:
            form.add_error(None, exc.message)
        else:
            return _cards_done(request, _("Staff card saved."))
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": _("Staff card: %(name)s") % {"name": card.name},
            "multipart": True,
            "card": card,
            "remove_url": reverse("duty:card_remove", args=[card.pk]),
        },
    )


@login_required
@require_POST
def card_remove(request, pk: int):
    card = get_for_user(request.user, StaffCard, pk)
    if not _confirmed(request):
        return redirect("duty:card_edit", pk=card.pk)
    services.card_remove(card=card, actor=request.user)
    return _cards_done(request, _("Staff card removed."))


@require_GET
def card_photo(request, pk: int):
    """A card's photo: public like the card while it is shown; the town's roster staff see
    the photos of hidden cards too."""
    cards = StaffCard.objects.filter(pk=pk).exclude(photo="")
    if not (can_view_roster(request.user) and request.user.town_id):
        cards = cards.filter(active=True)
    else:
        cards = cards.filter(Q(active=True) | Q(town_id=request.user.town_id))
    card = cards.first()
    if card is None:
        raise Http404
    response = FileResponse(card.photo.open("rb"), content_type=card.photo_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
