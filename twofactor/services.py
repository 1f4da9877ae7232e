"""Every change to a user's second factor (CONVENTIONS: one service per change). Each is
logged on ``desk.security`` with who did it; the devices themselves are django-otp's."""

from __future__ import annotations

import logging
from base64 import b32encode

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor import policy

log = logging.getLogger("desk.security")

DEVICE_NAME = "authenticator"


class CodeRefused(Exception):
    """The code was wrong, reused, or came too soon after wrong ones (throttled)."""


def pending_device(*, user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows as a QR code; one per user, kept until it
    is confirmed so that reloading the page does not invalidate a scanned code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _accepts(device: TOTPDevice, code: str) -> bool:
    """A wrong code is counted on the device (django-otp's throttle: 1, 2, 4 … seconds
    between tries), so callers commit before they raise CodeRefused."""
    allowed, _ = device.verify_is_allowed()
    return allowed and device.verify_token(code.strip().replace(" ", ""))


def device_confirm(*, request, code: str) -> TOTPDevice:
    """Enrolment: the first correct code confirms the device and verifies this session."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=pending_device(user=user).pk)
        accepted = _accepts(device, code)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if not accepted:
        raise CodeRefused
    otp_login(request, device)
    policy.settle(request)
    log.info("second factor enrolled: user=%s", user.pk)
    return device


def session_verify(*, request, code: str) -> TOTPDevice:
    """After the password: a correct code from the confirmed device opens the desk."""
    user = request.user
    with transaction.atomic():
        device = policy.confirmed_device(user)
        if device is not None:
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        accepted = device is not None and _accepts(device, code)
    if not accepted:
        log.warning("second factor refused: user=%s", user.pk)
        raise CodeRefused
    otp_login(request, device)
    policy.settle(request)
    return device


def device_remove(*, request, code: str) -> None:
    """The user turns the second factor off (only where it is optional), proving with a code."""
    user = request.user
    with transaction.atomic():
        device = policy.confirmed_device(user)
        if device is None:
            return
        accepted = _accepts(TOTPDevice.objects.select_for_update().get(pk=device.pk), code)
        if accepted:
            TOTPDevice.objects.filter(user=user).delete()
    if not accepted:
        raise CodeRefused
    request.session.pop(policy.DEVICE_ID_SESSION_KEY, None)
    log.info("second factor removed by its owner: user=%s", user.pk)


@transaction.atomic
def devices_reset(*, users, actor) -> int:
    """An administrator clears lost devices; the user enrols again at the next login."""
    deleted, _ = TOTPDevice.objects.filter(user__in=users).delete()
    for user in users:
        log.info("second factor reset: user=%s by=%s", user.pk, actor.pk)
    return deleted
