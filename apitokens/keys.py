"""The shape of a token secret: ``mhky_<prefix>_<body>`` (letters and digits only inside),
so the prefix can be read back without a database query and shown in lists and logs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

TAG = "mhky_"
ALPHABET = string.ascii_letters + string.digits
PREFIX_LENGTH = 10
BODY_LENGTH = 40


def new_secret() -> tuple[str, str]:
    """A fresh (prefix, secret) pair; the secret contains the prefix."""
    prefix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(PREFIX_LENGTH))
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return prefix, f"{TAG}{prefix}_{body}"


def prefix_of(secret: str) -> str | None:
    """The prefix of a well-formed secret, else None."""
    if not secret.startswith(TAG):
        return None
    prefix, sep, body = secret[len(TAG) :].partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or len(body) != BODY_LENGTH:
        return None
    if not (prefix.isascii() and prefix.isalnum() and body.isascii() and body.isalnum()):
        return None
    return prefix


def hash_secret(secret: str) -> str:
    # 238 bits of randomness: a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
