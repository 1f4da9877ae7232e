"""On every login, note in the session whether this user still owes a second factor, so
the middleware can decide without a query on each request."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from twofactor import policy


@receiver(user_logged_in, dispatch_uid="twofactor-login")
def mark_second_factor_pending(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    policy.mark_pending(request, user)
