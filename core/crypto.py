"""Personal data at rest: ID card and phone numbers are stored encrypted (Fernet: AES-128-CBC
with HMAC-SHA256, from the ``cryptography`` package) and found by exact value through a keyed
hash (HMAC-SHA256 "blind index") of the normalised number.

Keys come from the environment (``FIELD_ENCRYPTION_KEYS``: comma-separated Fernet keys, the
first encrypts, all decrypt; ``FIELD_HASH_KEY``: the blind-index key). Without them both are
derived from ``SECRET_KEY`` — fine for the embedded demo, flagged by ``check --deploy``.
Rotation: put a new key first in ``FIELD_ENCRYPTION_KEYS`` (keep the old ones after it), run
``manage.py rotate_personal_data``, then drop the old keys. A new ``FIELD_HASH_KEY`` needs the
same command, which recomputes every hash from the decrypted values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from core.identity import normalize_id_number, normalize_phone

# Every Fernet token starts with the version byte 0x80, which is "gAAAAA" in base64. A value
# without it is plaintext written before encryption existed (read as is, encrypted on save).
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)
NORMALIZERS = {"phone": normalize_phone, "id_number": normalize_id_number}


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        keys = (base64.urlsafe_b64encode(_derived("field-encryption")).decode(),)
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: not a Fernet key ({error}).") from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def _hash_key() -> bytes:
    key = settings.FIELD_HASH_KEY
    return key.encode() if key else _derived("field-hash")


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    if not value or not value.startswith(TOKEN_PREFIX):
        return value or ""
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "Personal data cannot be decrypted: the key that encrypted it is not in FIELD_ENCRYPTION_KEYS."
        ) from None


def rotate(value: str) -> str:
    """Re-encrypt with the first key (plaintext from before encryption is encrypted)."""
    if not value:
        return ""
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)
    return fernet().rotate(value.encode()).decode()


def fingerprint(purpose: str, value: str) -> str:
    """A short keyed hash of a secret (a query code): equal values give equal fingerprints, so
    the audit trail shows that it changed, but neither the trail nor a brute force without the
    key gives the value back. "" for no value."""
    if not value:
        return ""
    return hmac.new(_hash_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:16]


def blind_index(kind: str, value: str) -> str:
    """The keyed hash that finds a number by exact value; "" for no value."""
    normalized = NORMALIZERS[kind](value or "")
    if not normalized:
        return ""
    return hmac.new(_hash_key(), f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A short text stored encrypted. Only ``isnull`` and emptiness can be asked in SQL:
    search through the companion ``BlindIndexField``."""

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value and value.startswith(TOKEN_PREFIX):
            return value  # already a token (a rotation writes tokens)
        return encrypt(value) if value else (value if value is None else "")

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull",):
            raise NotImplementedError(
                f"Encrypted field '{self.name}' cannot be searched with '{lookup_name}'; use its blind index."
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField, "max_length": self.plain_max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if self.plain_max_length and value and len(value) > self.plain_max_length:
            from django.core.exceptions import ValidationError

            raise ValidationError(f"At most {self.plain_max_length} characters.", code="max_length")


class BlindIndexField(models.CharField):
    """The keyed hash of another field of the same row, computed on every save (bulk_create too)."""

    def __init__(self, *args, source: str, kind: str, **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, default in (("max_length", 64), ("blank", True), ("editable", False), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(self.kind, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
