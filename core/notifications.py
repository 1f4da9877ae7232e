"""Notifications: the inbox row first, e-mail and SMS after the commit.

``notifications_send`` is called inside the transaction of the change it reports, so the
alert and the change stand or fall together. The rows say which channels still wait
(``email_state`` / ``sms_state`` = pending); after the commit the ids are handed to the job
runner. If the broker is down the hand-over is skipped with a warning and the periodic
``core.tasks.deliver_pending_notifications`` sends them once the job runner is back: the
database, not the broker, is the queue of record."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import Delivery, Notification, NotificationKind, NotificationPreference
from core.sms import send_sms

logger = logging.getLogger("desk.notifications")

# kind → (by e-mail, by SMS) when the user has not chosen. SMS costs money and interrupts:
# only what needs action today goes by SMS unless the user asks for more.
DEFAULTS: dict[str, tuple[bool, bool]] = {
    NotificationKind.GENERAL: (True, False),
    NotificationKind.CASE: (True, False),
    NotificationKind.DEADLINE: (True, True),
    NotificationKind.RISK: (True, True),
    NotificationKind.MEETING: (True, False),
    NotificationKind.SUPERVISION: (True, True),
    NotificationKind.REPORT: (True, False),
}
MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)
BATCH = 500


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """The user's choice per kind, defaults filled in."""
    table = dict(DEFAULTS)
    for pref in NotificationPreference.objects.filter(user=user):
        table[pref.kind] = (pref.email, pref.sms)
    return table


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save the user's choices for every kind given (unknown kinds are refused)."""
    unknown = set(choices) - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    for kind, (email, sms) in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": email, "sms": sms})


def notifications_send(
    *, recipients: Iterable, title: str, body: str = "", url: str = "", kind: str = NotificationKind.GENERAL
) -> int:
    """Tell each recipient once (a user listed twice gets one message): an inbox row now, and
    e-mail / SMS after the commit where the user's preferences and contact details allow."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not unique:
        return 0
    chosen = {
        (pref.user_id, pref.kind): (pref.email, pref.sms)
        for pref in NotificationPreference.objects.filter(user_id__in=unique, kind=kind)
    }
    rows = []
    for user in unique.values():
        email, sms = chosen.get((user.pk, kind), DEFAULTS.get(kind, (True, False)))
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=str(title)[:120],
                body=str(body),
                url=url,
                email_state=Delivery.PENDING if email and user.email else Delivery.NOT_WANTED,
                sms_state=Delivery.PENDING if sms and user.phone else Delivery.NOT_WANTED,
            )
        )
    created = Notification.objects.bulk_create(rows)
    pending = [n.pk for n in created if Delivery.PENDING in (n.email_state, n.sms_state)]
    if pending:
        transaction.on_commit(lambda: _hand_over(pending))
    return len(created)


def _hand_over(ids: list[int]) -> None:
    """Give the job runner the ids; with the broker down, the periodic sweep sends them."""
    from core.tasks import deliver_notifications

    try:
        deliver_notifications.delay(ids)
    except Exception as error:  # the broker is unreachable: the rows wait in the database
        logger.warning("Broker unavailable (%s); %d notifications wait for the next sweep.", error, len(ids))


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _claim(notification_id: int, now) -> bool:
    """Take one row for sending; False when another worker holds a fresh claim."""
    return bool(
        Notification.objects.filter(pk=notification_id)
        .filter(Q(email_state=Delivery.PENDING) | Q(sms_state=Delivery.PENDING))
        .filter(Q(delivery_claimed_at__isnull=True) | Q(delivery_claimed_at__lt=now - STALE_CLAIM))
        .update(delivery_claimed_at=now)
    )


def _send_one(note: Notification) -> None:
    user = note.recipient
    errors = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {"note": note, "user": user, "link": _absolute(note.url) if note.url else ""}
        if note.email_state == Delivery.PENDING:
            try:
                subject = " ".join(render_to_string("emails/notification-subject.txt", context).split())
                send_mail(
                    subject,
                    render_to_string("emails/notification-body.txt", context),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                note.email_state = Delivery.SENT
            except Exception as error:
                errors.append(f"e-mail: {error!r}")
        if note.sms_state == Delivery.PENDING:
            try:
                text = " ".join(render_to_string("emails/notification-sms.txt", context).split())
                send_sms(user.phone, text)
                note.sms_state = Delivery.SENT
            except Exception as error:
                errors.append(f"SMS: {error!r}")
    note.delivery_attempts += 1
    note.delivery_error = "; ".join(errors)[:300]
    if errors and note.delivery_attempts >= MAX_ATTEMPTS:
        note.email_state = Delivery.FAILED if note.email_state == Delivery.PENDING else note.email_state
        note.sms_state = Delivery.FAILED if note.sms_state == Delivery.PENDING else note.sms_state
    note.delivery_claimed_at = None
    note.save(update_fields=["email_state", "sms_state", "delivery_attempts", "delivery_error", "delivery_claimed_at"])
    if errors:
        logger.warning("Notification %s not delivered (attempt %d): %s", note.pk, note.delivery_attempts, errors)


def notifications_deliver(*, ids: Iterable[int] | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send the pending e-mail and SMS of the given notifications (or of all pending ones, oldest
    first). Safe to run twice at once or again: each row is claimed before it is sent and a
    sent channel is never sent again."""
    now = timezone.now()
    pending = Notification.objects.filter(Q(email_state=Delivery.PENDING) | Q(sms_state=Delivery.PENDING))
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = failed = skipped = 0
    for pk in pending.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]:
        if not _claim(pk, now):
            skipped += 1
            continue
        note = Notification.objects.select_related("recipient").get(pk=pk)
        _send_one(note)
        if note.delivery_error:
            failed += 1
        else:
            sent += 1
    return {"sent": sent, "failed": failed, "skipped": skipped}


def notification_mark_read(*, user, notification_id: int) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
