"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter runs than this of a username or phone number are too common to refuse.
MIN_PERSONAL_RUN = 4


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our catalogue: Django 5.2 reworded its own, and its Chinese
    catalogue does not have the new words yet, so the Chinese desk showed it in English."""

    def get_error_message(self):
        return _("This password is too short: it needs at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }


class LettersAndDigitsValidator:
    """At least one letter and at least one digit."""

    def validate(self, password: str, user=None) -> None:
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_letters_and_digits"
            )

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


class NoPersonalDataValidator:
    """Neither the username nor the phone number (nor its last eight digits, the part
    that identifies a mobile number) may appear in the password, in any letter case."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= MIN_PERSONAL_RUN and username in lowered:
            raise ValidationError(_("The password must not contain your username."), code="password_has_username")
        phone = _digits(getattr(user, "phone", ""))
        pieces = {phone, phone[-8:]} if len(phone) >= 8 else {phone}
        if any(len(piece) >= MIN_PERSONAL_RUN and piece in _digits(password) for piece in pieces):
            raise ValidationError(_("The password must not contain your phone number."), code="password_has_phone")

    def get_help_text(self) -> str:
        return _("Your password must not contain your username or phone number.")


def login_username(request, credentials) -> str:
    """The username django-axes records for a login attempt, cut to the longest a username can
    be: a 100,000-character "username" must not be stored (or break PostgreSQL's varchar)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "")[:150]
