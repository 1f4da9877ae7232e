"""SMS delivery, pluggable like Django's e-mail backends (``SMS_BACKEND``).

The default logs each message (number masked) instead of sending it: a township wires in its
operator's gateway by writing a class with ``send_messages(messages)`` and naming it in
``SMS_BACKEND``. ``LocmemBackend`` keeps messages in ``core.sms.outbox`` for tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from core.identity import mask_phone

logger = logging.getLogger("desk.sms")

# Messages sent through LocmemBackend (tests empty it).
outbox: list[SmsMessage] = []

MAX_LENGTH = 140


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class LoggingBackend(BaseSmsBackend):
    """Writes each message to the ``desk.sms`` log; nothing leaves the machine."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS to %s: %s", mask_phone(message.phone), message.text)
        return len(messages)


class LocmemBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def send_sms(phone: str, text: str) -> int:
    backend = import_string(settings.SMS_BACKEND)()
    return backend.send_messages([SmsMessage(phone=phone, text=text[:MAX_LENGTH])])
