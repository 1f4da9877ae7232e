"""DRF authentication by API token: ``Authorization: Token <secret>`` or ``Bearer <secret>``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apitokens.selectors import api_token_for_secret

SCHEMES = (b"token", b"bearer")


def _credentials(request) -> str | None:
    """The secret of a Token/Bearer Authorization header; None when there is no such header."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() not in SCHEMES:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Token <secret>”."))
    try:
        return parts[1].decode()
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(_("The API token is not valid.")) from None


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates as the token's account. A revoked, expired or unknown token is refused
    with 401. The token is left on the Django request so its use can be logged with the
    response status (apitokens.middleware)."""

    def authenticate(self, request):
        secret = _credentials(request)
        if secret is None:
            return None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        request._request.api_token = token  # logged even when refused below
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
        if token.expires_at is not None and token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API token is disabled."))
        return token.user, token

    def authenticate_header(self, request):
        # Only callers who sent a token are told to send a (better) one: 401. A browser without
        # a session still gets 403, as before tokens existed.
        parts = get_authorization_header(request).split()
        if parts and parts[0].lower() in SCHEMES:
            return 'Token realm="api"'
        return None
