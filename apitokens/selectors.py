"""Reads for API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from apitokens import keys
from apitokens.models import ApiToken


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The token a secret belongs to (revoked and expired ones too: the caller decides), or
    None for a malformed or unknown secret. One query."""
    prefix = keys.prefix_of(secret.strip())
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not keys.matches(secret.strip(), token.secret_hash):
        return None
    return token


def api_token_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "user__village", "user__grid", "user__town", "created_by")


def api_token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(prefix=prefix.strip()).first()
