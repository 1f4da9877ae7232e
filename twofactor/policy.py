"""Who may, who must, and who still has to give a second factor (TOTP).

Leaders, inspectors and administrators may enrol an authenticator app; the roles listed in
``OTP_REQUIRED_ROLES`` must. After the password, a user with a confirmed device owes a
code, and a user of a required role without one owes an enrolment. What is owed is noted
in the session at login (``PENDING_KEY``), so the middleware reads it without a query."""

from __future__ import annotations

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Role

PENDING_KEY = "twofactor_pending"
VERIFY = "verify"
ENROL = "enrol"

# Roles offered a second factor at all.
OTP_ROLES = frozenset({Role.LEADER, Role.INSPECTOR, Role.ADMIN})


def role_of(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def may_enrol(user) -> bool:
    return user.is_authenticated and role_of(user) in OTP_ROLES


def is_required(user) -> bool:
    return may_enrol(user) and role_of(user) in settings.OTP_REQUIRED_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


def mark_pending(request, user) -> None:
    """Called at login: what does this session still owe before the desk opens?"""
    request.session.pop(PENDING_KEY, None)
    if not may_enrol(user):
        return
    if confirmed_device(user) is not None:
        request.session[PENDING_KEY] = VERIFY
    elif is_required(user):
        request.session[PENDING_KEY] = ENROL


def pending(request) -> str | None:
    """What the signed-in user still owes: VERIFY, ENROL or None.

    Read from the session first, so that a user who owes nothing costs no query. Where
    second factors are required, a session of a required role that is not verified owes
    one too (a session older than the setting, or whose device the administrator reset)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    owed = session.get(PENDING_KEY)
    if not owed and not settings.OTP_REQUIRED_ROLES:
        return None
    user = request.user
    if not user.is_authenticated:
        return None
    if session.get(DEVICE_ID_SESSION_KEY) and user.is_verified():
        return None
    if owed:
        return owed
    if is_required(user):
        return VERIFY if confirmed_device(user) is not None else ENROL
    return None


def settle(request) -> None:
    request.session.pop(PENDING_KEY, None)
