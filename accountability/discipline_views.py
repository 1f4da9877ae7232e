"""Pages of the discipline committee (镇纪委): the daily candidates list, supervision (督办),
accountability records (问责) and responsibility tracing (责任倒查); and the leader's page.
Thin: parse the form, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import forms, selectors, services
from accountability.models import Decision
from accountability.permissions import (
    accountability_records_visible_to,
    can_open_supervision,
    can_read_discipline,
    can_record_accountability,
    can_reply_supervision,
    can_see_candidates,
    can_trace_responsibility,
    get_supervision_for_user,
    has_leader_page,
    supervisions_visible_to,
)
from accountability.states import CandidateRule, SupervisionState
from accountability.views import PAGE_SIZE, _claimed_run, _run
from core.services import AlreadyApplied
from petitions.permissions import get_petition_for_user, petitions_visible_to
from petitions.states import Action

# --- The candidates list -----------------------------------------------------------------------


@login_required
@require_GET
def candidates(request):
    """Today's stored list (with what is new since the list before it), or, before the daily
    job has run, the list computed now."""
    user = request.user
    if not can_see_candidates(user) or user.town_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    stored = selectors.stored_candidates(user, town_id=user.town_id, day=today)
    if stored is not None:
        rows = [
            {
                "rule": e.rule,
                "label": e.get_rule_display(),
                "petition": e.petition,
                "decision": e.decision,
                "detail": e.detail,
                "new": (e.rule, e.petition_id, e.decision_id) in stored.new_keys,
            }
            for e in stored.entries
        ]
    else:
        labels = dict(CandidateRule.choices)
        rows = [
            {
                "rule": c.rule,
                "label": labels[c.rule],
                "petition": c.petition,
                "decision": c.decision,
                "detail": c.detail,
                "new": False,
            }
            for c in selectors.candidates(user, today=today)
        ]
    counts = {rule: 0 for rule, _label in CandidateRule.choices}
    for row in rows:
        counts[row["rule"]] += 1
    rule = request.GET.get("rule", "")
    shown = [row for row in rows if row["rule"] == rule] if rule in counts else rows
    only_new = request.GET.get("new") == "1"
    if only_new:
        shown = [row for row in shown if row["new"]]
    return render(
        request,
        "accountability/candidates.html",
        {
            "stored": stored,
            "rows": shown,
            "total": len(rows),
            "new_count": sum(1 for row in rows if row["new"]),
            "counts": [(key, label, counts[key]) for key, label in CandidateRule.choices],
            "rule": rule if rule in counts else "",
            "only_new": only_new,
            "today": today,
            "can_supervise": can_open_supervision(user),
        },
    )


# --- Supervision -------------------------------------------------------------------------------


@login_required
@require_GET
def supervision_list(request):
    """Listed supervisions (挂牌督办) first, then by the rectification deadline."""
    form = forms.SupervisionFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    supervisions = supervisions_visible_to(request.user).select_related("unit", "petition", "opened_by")
    if state:
        supervisions = supervisions.filter(state=state)
    order = Case(
        When(state=SupervisionState.OPEN, then=Value(0)),
        When(state=SupervisionState.REPLIED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    supervisions = supervisions.order_by(order, "-listed", "rectify_by", "-id")
    page = Paginator(supervisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/supervision_list.html",
        {
            "page": page,
            "form": form,
            "state": state,
            "query": f"state={state}&" if state else "",
            "today": timezone.localdate(),
            "can_open": can_open_supervision(request.user),
            "can_read_discipline": can_read_discipline(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_new(request):
    user = request.user
    if not can_open_supervision(user) or user.town is None:
        raise PermissionDenied
    initial = {"petition": request.GET.get("petition", "")[:30]}
    form = forms.SupervisionForm(request.POST or None, town=user.town, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition = None
        if data["petition"]:
            petition = (
                petitions_visible_to(user).select_related("unit").filter(tracking_number=data["petition"]).first()
            )
            if petition is None:
                form.add_error("petition", _("No petition with this tracking number."))
            elif data["unit"] is None and petition.unit_id is None:
                form.add_error("unit", _("The case has no handling unit yet: choose the supervised unit."))
        if form.is_valid():
            supervision = _claimed_run(
                form,
                services.supervision_open,
                user=user,
                town=user.town,
                actor=user,
                reason=data["reason"],
                description=data["description"],
                rectify_by=data["rectify_by"],
                petition=petition,
                unit=data["unit"],
                listed=data["listed"],
            )
            if supervision is AlreadyApplied:
                return redirect("accountability:supervisions")
            if supervision is not None:
                messages.success(request, _("Supervision opened."))
                return redirect("accountability:supervision", pk=supervision.pk)
    return render(request, "accountability/supervision_form.html", {"form": form}, status=400 if form.errors else 200)


def _supervision_page(request, pk: int, *, reply_form=None, close_form=None, status=200):
    supervision = (
        supervisions_visible_to(request.user)
        .select_related("unit", "petition", "opened_by", "replied_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if supervision is None:
        raise Http404
    is_open = supervision.state == SupervisionState.OPEN
    can_reply = is_open and can_reply_supervision(request.user, supervision)
    can_close = supervision.state != SupervisionState.CLOSED and can_open_supervision(request.user)
    return render(
        request,
        "accountability/supervision_detail.html",
        {
            "supervision": supervision,
            "events": list(supervision.events.select_related("actor").order_by("at", "id")),
            "records": list(supervision.records.select_related("person")) if can_read_discipline(request.user) else [],
            "reply_form": (reply_form or forms.SupervisionReplyForm()) if can_reply else None,
            "close_form": (close_form or forms.SupervisionCloseForm()) if can_close else None,
            "can_record": can_record_accountability(request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def supervision_detail(request, pk: int):
    return _supervision_page(request, pk)


@login_required
@require_POST
def supervision_reply(request, pk: int):
    supervision = get_supervision_for_user(request.user, pk)
    form = forms.SupervisionReplyForm(request.POST)
    if form.is_valid() and _run(
        form, services.supervision_reply, supervision=supervision, actor=request.user, text=form.cleaned_data["text"]
    ):
        messages.success(request, _("Reply sent to the discipline committee."))
        return redirect("accountability:supervision", pk=pk)
    return _supervision_page(request, pk, reply_form=form, status=400)


@login_required
@require_POST
def supervision_close(request, pk: int):
    supervision = get_supervision_for_user(request.user, pk)
    form = forms.SupervisionCloseForm(request.POST)
    if form.is_valid() and _run(
        form,
        services.supervision_close,
        supervision=supervision,
        actor=request.user,
        result=form.cleaned_data["result"],
    ):
        messages.success(request, _("Supervision closed."))
        return redirect("accountability:supervision", pk=pk)
    return _supervision_page(request, pk, close_form=form, status=400)


# --- Accountability records --------------------------------------------------------------------


@login_required
@require_GET
def record_list(request):
    if not can_read_discipline(request.user):
        raise PermissionDenied
    records = (
        accountability_records_visible_to(request.user)
        .select_related("person", "recorded_by", "supervision__unit")
        .prefetch_related("petitions")
        .order_by("-decided_on", "-id")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/record_list.html",
        {"page": page, "can_record": can_record_accountability(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    user = request.user
    if not can_record_accountability(user) or user.town is None:
        raise PermissionDenied
    supervisions = supervisions_visible_to(user).order_by("-opened_at", "-id")
    initial = {"decided_on": timezone.localdate()}
    if request.GET.get("supervision", "").isdigit():
        initial["supervision"] = int(request.GET["supervision"])
    form = forms.RecordForm(request.POST or None, town=user.town, supervisions=supervisions, initial=initial)
    if request.method == "POST" and form.is_valid():
        petitions = form.resolve_petitions(petitions_visible_to(user))
        if form.is_valid():
            data = form.cleaned_data
            record = _claimed_run(
                form,
                services.accountability_record_add,
                user=user,
                town=user.town,
                actor=user,
                person=data["person"],
                form=data["form"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                petitions=petitions,
                supervision=data["supervision"],
            )
            if record is not None:
                if record is not AlreadyApplied:
                    messages.success(request, _("Accountability recorded."))
                return redirect("accountability:records")
    return render(request, "accountability/record_form.html", {"form": form}, status=400 if form.errors else 200)


# --- Responsibility tracing and the leader's page ----------------------------------------------


DEADLINE_LABELS = {
    "route": _lazy("route (register and send on)"),
    "notify": _lazy("written notice"),
    "handle": _lazy("handling and reply"),
    "decision": _lazy("meeting decision"),
    "redo": _lazy("redo"),
}


def _holding_row(holding) -> dict:
    """One period of the chain, with its deadlines in force and whether each was missed."""
    return {
        "holding": holding,
        "action": Action(holding.action).label if holding.action in Action.values else holding.action,
        "deadlines": [
            {"label": DEADLINE_LABELS.get(key, key), "due": due, "missed": key in holding.missed}
            for key, due in holding.deadlines.items()
        ],
        "actors": list(dict.fromkeys(actor.display_name for actor in holding.actors)),
    }


@login_required
@require_GET
def responsibility(request, number: str):
    """Who held the case, when, and which deadlines each of them missed (责任倒查)."""
    if not can_trace_responsibility(request.user):
        raise PermissionDenied
    petition = get_petition_for_user(request.user, number)
    items, supervisions = selectors.case_accountability(request.user, petition)
    return render(
        request,
        "accountability/responsibility.html",
        {
            "petition": petition,
            "chain": [_holding_row(h) for h in selectors.responsibility_chain(petition)],
            "items": items,
            "supervisions": supervisions,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def my_cases(request):
    """The leader's page: the cases they answer for (包案), the meeting decisions they must
    carry out and the listed supervisions still open."""
    if not has_leader_page(request.user):
        raise PermissionDenied
    cases = selectors.leader_cases(request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    decisions: list[Decision] = list(selectors.decisions_to_carry_out(request.user))
    return render(
        request,
        "accountability/my_cases.html",
        {
            "page": page,
            "decisions": decisions,
            "supervisions": list(selectors.listed_supervisions(request.user)),
            "report_form": forms.DecisionReportForm(),
            "today": timezone.localdate(),
        },
    )
