import time

import pytest
from django.contrib.auth.hashers import make_password
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import User
from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"
CLIENT_ADDRESS = "203.0.113.7"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the device's key."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def password_login(client, settings):
    """Log in through the real login form (not force_login), as a browser would.

    Many logins per test: the personas' passwords are re-hashed with a fast hasher first,
    since the production one takes most of a second per try on this machine."""
    settings.PASSWORD_HASHERS = [FAST_HASHER, *settings.PASSWORD_HASHERS]
    prepared: set[str] = set()

    def _login(username: str, password: str = PASSWORD, *, address: str = CLIENT_ADDRESS, **extra):
        if username not in prepared:
            User.objects.filter(username=username).update(password=make_password(PASSWORD, hasher="md5"))
            prepared.add(username)
        return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)

    return _login


@pytest.fixture
def enrolled(db):
    """A confirmed TOTP device for a user, as after a finished enrolment."""

    def _enrolled(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    return _enrolled
