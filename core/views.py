from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import health, notifications, services
from core.forms import NotificationPreferencesForm
from core.models import Role
from core.permissions import villages_visible_to
from core.selectors import job_runner_status

HOME_TEMPLATES = {role: f"core/home/{role.value}.html" for role in Role}
# Roles whose home page shows whether the scheduled jobs are running.
JOB_RUNNER_ROLES = frozenset({Role.ADMIN, Role.LEADER})


@require_GET
def home(request):
    """The public page for residents, or the signed-in user's own desk."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/public_home.html")
    role = Role.ADMIN if user.is_superuser else Role(user.role)
    context = {
        "role_label": role.label,
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:5]),
    }
    if role in JOB_RUNNER_ROLES:
        context["job_runner"] = job_runner_status()
    return render(request, HOME_TEMPLATES[role], context)


@login_required
@require_GET
def village_list(request):
    villages = villages_visible_to(request.user).prefetch_related("grids").order_by("code")
    return render(request, "core/village_list.html", {"villages": villages})


@login_required
@require_POST
def notification_read(request, pk: int):
    services.notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next", "")
    return redirect(
        target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "core:home"
    )


@login_required
@require_GET
def notification_inbox(request):
    """Every notification of the signed-in user, newest first, unread ones marked."""
    page = Paginator(request.user.notifications.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    unread = request.user.notifications.filter(read_at__isnull=True).count()
    return render(request, "core/notifications.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("core:notifications")


@login_required
def notification_settings(request):
    """Which kinds of notification also come by e-mail or SMS (the inbox gets them all)."""
    form = NotificationPreferencesForm(request.POST or None, current=notifications.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        notifications.notification_preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("core:notification_settings")
    return render(request, "core/notification_settings.html", {"form": form})


@never_cache
@require_GET
def healthz(request):
    """For monitoring: the web process, the database, the broker and the job runner, each
    with its state and timing (core/health.py). 503 when an essential part is down."""
    status, body = health.run_checks()
    return JsonResponse(body, status=status)


def login_locked(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a page saying why the login is
    refused and for how long; 429 like axes' own."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/lockout.html", context, status=429)


@require_GET
def service_worker(request):
    """The service worker must be served from the root to control every page."""
    from django.contrib.staticfiles import finders
    from django.http import HttpResponse

    with open(finders.find("js/sw.js"), encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response
