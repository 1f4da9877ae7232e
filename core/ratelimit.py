"""A fixed-window rate limit on the shared cache, keyed on the real client address.

The address is REMOTE_ADDR; X-Forwarded-For is believed only when the request comes from
one of TRUSTED_PROXIES, and then only its last hop (the one our proxy appended), so a
client cannot pick its own key by sending the header itself."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.TRUSTED_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return remote


def allow(request, scope: str, *, limit: int, per_seconds: int) -> bool:
    """Count one hit; False once `limit` hits were counted in the current window."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    if cache.add(key, 1, per_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, per_seconds)
        return True
