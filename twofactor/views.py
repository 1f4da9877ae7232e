"""The second-factor pages: enrol (scan, confirm a code), verify after the password,
turn off where optional. Thin: the changes are in twofactor.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from twofactor import policy, services
from twofactor.forms import CodeForm
from twofactor.qr import qr_data_uri

REFUSED = gettext_lazy(
    "That code was not accepted. Check that the time on your phone is right, wait for the next code and try again."
)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@never_cache
@login_required
@sensitive_post_parameters("code")
def enrol(request):
    """Scan the QR code with an authenticator app and confirm with its first code."""
    user = request.user
    if not policy.may_enrol(user):
        raise Http404
    device = policy.confirmed_device(user)
    if device is not None and policy.pending(request) != policy.ENROL:
        return render(
            request,
            "twofactor/manage.html",
            {"device": device, "required": policy.is_required(user), "form": CodeForm()},
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_confirm(request=request, code=form.cleaned_data["code"])
        except services.CodeRefused:
            form.add_error("code", REFUSED)
        else:
            messages.success(request, _("Two-step login is on. From now on, each login asks for a code."))
            return redirect(_next_url(request) or "core:home")
    pending = services.pending_device(user=user)
    return render(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "qr": qr_data_uri(pending.config_url),
            "secret": services.secret_for_display(pending),
            "required": policy.is_required(user),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def verify(request):
    """The step after the password for a user with a confirmed device."""
    if policy.pending(request) != policy.VERIFY:
        return redirect(_next_url(request) or "core:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_verify(request=request, code=form.cleaned_data["code"])
        except services.CodeRefused:
            form.add_error("code", REFUSED)
        else:
            return redirect(_next_url(request) or "core:home")
    return render(request, "twofactor/verify.html", {"form": form, "next": _next_url(request)}, status=200)


@login_required
@require_POST
@sensitive_post_parameters("code")
def disable(request):
    """Turn two-step login off, with a current code; refused where the role requires it."""
    if not policy.may_enrol(request.user) or policy.is_required(request.user):
        raise Http404
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.device_remove(request=request, code=form.cleaned_data["code"])
        except services.CodeRefused:
            messages.error(request, REFUSED)
        else:
            messages.success(request, _("Two-step login is off."))
    else:
        messages.error(request, _("The code is six digits."))
    return redirect("core:twofactor_enrol")
