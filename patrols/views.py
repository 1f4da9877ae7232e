from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import villages_visible_to
from patrols import forms, selectors, services
from patrols.models import Risk
from patrols.permissions import can_handle_risk, can_record, get_risk_for_user
from petitions.errors import PetitionError


@login_required
@require_GET
def village(request):
    """The village view: for village staff their own village; town staff pick one."""
    villages = villages_visible_to(request.user)
    chosen = request.GET.get("village") or request.user.village_id
    village_obj = villages.filter(pk=chosen).first() if chosen else None
    if village_obj is None:
        if request.user.village_id:
            raise Http404
        return render(request, "patrols/pick_village.html", {"villages": villages})
    week = selectors.village_week(user=request.user, village=village_obj)
    return render(request, "patrols/village.html", {"week": week, "can_record": can_record(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def patrol_new(request):
    if not can_record(request.user):
        raise PermissionDenied
    form = forms.PatrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.patrol_log(worker=request.user, **data)
        except PetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Patrol saved."))
            return redirect("patrols:village")
    return render(request, "patrols/form.html", {"form": form, "title": _("Log a patrol")})


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request):
    if not can_record(request.user):
        raise PermissionDenied
    form = forms.RiskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            risk, _created = services.risk_report(reporter=request.user, **form.cleaned_data)
        except PetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Risk reported."))
            return redirect("patrols:risk", pk=risk.pk)
    return render(request, "patrols/form.html", {"form": form, "title": _("Report a dispute or risk")})


@login_required
@require_GET
def risk_detail(request, pk: int):
    risk = get_risk_for_user(request.user, pk)
    return render(
        request,
        "patrols/risk.html",
        {
            "risk": risk,
            "can_handle": can_handle_risk(request.user, risk) and risk.state == Risk.State.OPEN,
            "outcome_form": forms.OutcomeForm(),
            "mediation_form": forms.MediationForm.for_risk(risk),
        },
    )


@login_required
@require_POST
def risk_act(request, pk: int, step: str):
    risk = get_risk_for_user(request.user, pk)
    try:
        if step == "resolve":
            form = forms.OutcomeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say how it was resolved."))
                return redirect("patrols:risk", pk=pk)
            services.risk_resolve(risk=risk, actor=request.user, outcome=form.cleaned_data["outcome"])
        elif step == "mediation":
            form = forms.MediationForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Name both sides of the dispute."))
                return redirect("patrols:risk", pk=pk)
            services.risk_to_mediation(risk=risk, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Sent to the village mediation room."))
        elif step == "petition":
            risk = services.risk_to_petition(risk=risk, actor=request.user)
            messages.success(request, _("Turned into a petition."))
            return redirect("petitions:detail", number=risk.petition.tracking_number)
        else:
            raise Http404
    except PetitionError as error:
        messages.error(request, error.message)
    return redirect("patrols:risk", pk=pk)
