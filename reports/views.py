"""Pages of the reports: the list, one report (page, PDF, Excel), the on-demand form, the job
runs and the leaders' dashboard. Thin: check the permission, call a selector or a service,
render."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability.selectors import listed_supervisions
from core.selectors import job_runner_status, town_for_request
from petitions.permissions import petitions_visible_to
from reports import dashboard as dash
from reports import permissions as perms
from reports import selectors, services
from reports.export import render_snapshot_xlsx
from reports.forms import GenerateForm
from reports.models import ReportSnapshot
from reports.pdf import render_snapshot_pdf
from reports.schedule import beat_schedule
from reports.sections import CASE, sections

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _linked_sections(user, snapshot: ReportSnapshot):
    """The report's tables; tracking numbers link to the case when the reader may open it."""
    tables = sections(snapshot.figures)
    cells = [cell for table in tables for row in table.rows for cell in row if cell.fmt == CASE]
    numbers = {cell.value for cell in cells}
    visible = (
        set(petitions_visible_to(user).filter(tracking_number__in=numbers).values_list("tracking_number", flat=True))
        if numbers
        else set()
    )
    for cell in cells:
        if cell.value in visible:
            cell.url = reverse("petitions:detail", args=[cell.value])
    return tables


def _filename(snapshot: ReportSnapshot, ext: str) -> str:
    return f"{snapshot.kind}-{snapshot.period_start:%Y-%m-%d}.{ext}"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def report_list(request):
    if not perms.can_read_reports(request.user):
        raise PermissionDenied
    snapshots = perms.snapshots_visible_to(request.user).select_related("town").order_by("-period_start", "kind", "id")
    kind = request.GET.get("kind", "")
    if kind in ReportSnapshot.Kind.values:
        snapshots = snapshots.filter(kind=kind)
    page = Paginator(snapshots.defer("figures"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": ReportSnapshot.Kind.choices,
            "can_generate": perms.can_generate_reports(request.user),
            "can_see_jobs": perms.can_see_job_runs(request.user),
        },
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    snapshot = perms.get_snapshot_for_user(request.user, pk)
    return render(
        request,
        "reports/detail.html",
        {
            "snapshot": snapshot,
            "sections": _linked_sections(request.user, snapshot),
        },
    )


@login_required
@require_GET
def report_pdf(request, pk: int):
    snapshot = perms.get_snapshot_for_user(request.user, pk)
    return _download(render_snapshot_pdf(snapshot), "application/pdf", _filename(snapshot, "pdf"))


@login_required
@require_GET
def report_xlsx(request, pk: int):
    snapshot = perms.get_snapshot_for_user(request.user, pk)
    return _download(render_snapshot_xlsx(snapshot), XLSX, _filename(snapshot, "xlsx"))


@login_required
@require_http_methods(["GET", "POST"])
def report_on_demand(request):
    """An administrator asks for a past period's report: the existing one is shown, or the
    job is queued once the request's transaction commits."""
    if not perms.can_generate_reports(request.user):
        raise PermissionDenied
    town = town_for_request(request.user)
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and town is not None:
        with transaction.atomic():
            existing = services.report_request(
                kind=form.cleaned_data["kind"], town=town, day=form.cleaned_data["day"], actor=request.user
            )
        if existing is not None:
            messages.info(request, _("This report already exists; here it is."))
            return redirect("reports:detail", pk=existing.pk)
        period = form.cleaned_data["period"]
        messages.success(
            request,
            _("The report for %(start)s – %(end)s is being made; it appears in the list in a minute.")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
        )
        return redirect("reports:list")
    return render(request, "reports/generate.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def job_runs(request):
    if not perms.can_see_job_runs(request.user):
        raise PermissionDenied
    return render(
        request,
        "reports/jobs.html",
        {
            **selectors.job_overview(),
            "schedule": beat_schedule(),
            "timezone": settings.CELERY_TIMEZONE,
            "job_runner": job_runner_status(),
        },
    )


@login_required
@require_GET
def dashboard(request):
    if not perms.can_see_dashboard(request.user):
        raise PermissionDenied
    town = town_for_request(request.user)
    if town is None:
        raise PermissionDenied
    scope = request.GET.get("scope", "month")
    if scope not in dash.SCOPES:
        scope = "month"
    today = timezone.localdate()
    # The town's figures are the same for every reader: computed once per DASHBOARD_CACHE_SECONDS
    # (shared by every web worker through the cache) instead of on every page view. The lists
    # of cases below depend on the reader and stay live.
    key = f"dashboard:{town.pk}:{today.isoformat()}:{scope}:{translation.get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = {**dash.figures(request.user, town=town, today=today, scope=scope), "computed_at": timezone.now()}
        cache.set(key, figures, settings.DASHBOARD_CACHE_SECONDS)
    overdue = list(dash.overdue_list(request.user, today=today)[: dash.OVERDUE_SHOWN])
    supervisions = list(listed_supervisions(request.user))
    charts = {
        "months": figures["trend"]["months"],
        "registered": figures["trend"]["registered"],
        "rates": {
            key: [None if v is None else round(v * 100, 2) for v in values]
            for key, values in figures["trend"]["rates"].items()
        },
        "villages": figures["villages"],
        "origins": figures["origins"],
        "channels": figures["channels"],
        "categories": figures["categories"],
        "labels": {
            "registered": _("Petitions"),
            "response": _("Response rate"),
            "resolution": _("Resolution rate"),
            "satisfaction": _("Satisfaction rate"),
            "on_time": _("On-time rate"),
        },
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            **figures,
            "scope": scope,
            "today": today,
            "charts": charts,
            "overdue": overdue,
            "supervisions": supervisions,
            "floor": selectors.SATISFACTION_FLOOR,
        },
    )
