"""Requests per token: a fixed number per period (settings: DEFAULT_THROTTLE_RATES["api_token"],
from the API_TOKEN_RATE environment variable). Session users are not throttled here."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

SCOPE = "api_token"
DEFAULT_RATE = "120/minute"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/minute' -> (120, 60). Raises ValueError on anything else."""
    number, sep, period = rate.partition("/")
    if not sep or not number.strip().isdigit() or int(number) < 1 or not period or period[0] not in PERIODS:
        raise ValueError(rate)
    return int(number), PERIODS[period[0]]


def configured_rate() -> str:
    return api_settings.DEFAULT_THROTTLE_RATES.get(SCOPE) or DEFAULT_RATE


def validate_rate_setting() -> None:
    rate = configured_rate()
    try:
        parse_rate(rate)
    except ValueError:
        raise ImproperlyConfigured(
            f"API_TOKEN_RATE={rate!r} is not a rate; use for example 120/minute or 5000/day."
        ) from None


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = SCOPE

    def get_rate(self) -> str:
        # Read at request time (not at import, as DRF does), so a changed setting applies.
        return configured_rate()

    def parse_rate(self, rate):
        return parse_rate(rate)

    def get_cache_key(self, request, view) -> str | None:
        from apitokens.models import ApiToken

        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}

    def allow_request(self, request, view) -> bool:
        """One counter per token and window, counted with the cache's atomic add/incr. DRF's
        own throttle reads a list of times, appends and writes it back: parallel requests
        read the same list, and 130 passed against a limit of 120."""
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.num_requests, self.duration = parse_rate(self.get_rate())
        self.now = self.timer()
        window = f"{self.key}:{int(self.now // self.duration)}"
        if self.cache.add(window, 1, self.duration):
            return True
        try:
            count = self.cache.incr(window)
        except ValueError:  # the window expired between add and incr
            self.cache.set(window, 1, self.duration)
            return True
        if count <= self.num_requests:
            return True
        self._wait = self.duration - (self.now % self.duration)
        return False

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)

    def allow_token(self, token) -> bool:
        """The same check for views outside DRF (Open311 POST)."""

        class _Request:
            auth = token

        return self.allow_request(_Request(), None)
