from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from twofactor import policy

# Paths a user who still owes a second factor may reach: the steps themselves, logging
# out, the language switch and static files.
OPEN_PREFIXES = ("/account/two-factor/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


class SecondFactorMiddleware:
    """Sends a signed-in user who owes a TOTP code (or, where it is required, an
    enrolment) to that step before any other page. Costs no query: what is owed was noted
    in the session at login (twofactor.policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = policy.pending(request)
        if owed and not request.path.startswith(OPEN_PREFIXES):
            target = reverse("core:twofactor_verify" if owed == policy.VERIFY else "core:twofactor_enrol")
            if request.method == "GET":
                target = f"{target}?{urlencode({'next': request.get_full_path()})}"
            return redirect(target)
        return self.get_response(request)
