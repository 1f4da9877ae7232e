from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from core.models import User


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS: a username locked out
    from this client address is refused before its password is tried.

    A call without a request (a management command, a test calling ``authenticate``)
    comes from no client that could be guessing passwords: it is let through to the next
    backend instead of failing, as axes' own backend would."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class DeskBackend(ModelBackend):
    """Loads the signed-in user with their town, village and grid in one query:
    every page shows them, so fetching them one by one would cost three more queries."""

    def get_user(self, user_id):
        user = User.objects.select_related("town", "village", "grid").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
