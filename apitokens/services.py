"""Every change to API tokens: create (the secret is returned once), revoke, record a use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apitokens import keys
from apitokens.models import ApiToken, ApiTokenUse
from core.models import Grid, Role, Town, User, Village
from core.services import user_create
from petitions.states import Channel

# A token's service account may not be an administrator: a leaked secret must never open the
# admin. Town-wide reading goes through a desk clerk or leader account.
TOKEN_ROLES = tuple(role for role in Role if role != Role.ADMIN)
# last_used_at is a convenience for the token list; the log has every use. Writing it at
# most once a minute keeps a use to one INSERT.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """The token cannot be created as asked; the message says why (translated)."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _service_account(
    *, prefix: str, system: str, role: str, town: Town | None, village: Village | None, grid: Grid | None
) -> User:
    from django.core.exceptions import ValidationError

    if role not in TOKEN_ROLES:
        raise TokenError(_("A token may act as any role except administrator."))
    if town is None:
        raise TokenError(_("Choose the town the token works for."))
    if village is not None and village.town_id != town.pk:
        raise TokenError(_("The village must lie in the token's town."))
    if grid is not None and grid.village_id != getattr(village, "pk", None):
        raise TokenError(_("The grid must lie in the token's village."))
    try:
        return user_create(
            username=f"api-{prefix}",
            password=None,  # a service account cannot sign in to the pages
            role=role,
            town=town,
            village=village,
            grid=grid,
            full_name=f"{system} (API)"[:50],
            title=str(_("API service account")),
        )
    except ValidationError as exc:
        raise TokenError(" ".join(exc.messages)) from None


@transaction.atomic
def api_token_create(
    *,
    name: str,
    system: str,
    created_by: User | None,
    user: User | None = None,
    role: str | None = None,
    town: Town | None = None,
    village: Village | None = None,
    grid: Grid | None = None,
    channel: str = Channel.MAILBOX,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """Issue a token acting as `user`, or (without one) as a new service account with the
    given role and scope. The secret is in the result and nowhere else."""
    name, system = name.strip(), system.strip()
    if not name or not system:
        raise TokenError(_("Give the token a name and the system that will use it."))
    if channel not in Channel.values:
        raise TokenError(_("Unknown intake channel."))
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry must lie in the future."))
    prefix, secret = keys.new_secret()
    if user is None:
        user = _service_account(prefix=prefix, system=system, role=role or "", town=town, village=village, grid=grid)
    elif user.is_superuser or user.is_staff or not user.is_active:
        raise TokenError(_("A token may not act as an administrator or a disabled account."))
    token = ApiToken.objects.create(
        name=name,
        system=system,
        user=user,
        channel=channel,
        prefix=prefix,
        secret_hash=keys.hash_secret(secret),
        created_by=created_by,
        expires_at=expires_at,
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, revoked_by: User | None) -> ApiToken:
    """Revoke a token at once; revoking twice keeps the first time."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=revoked_by)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return token


def api_token_use_record(*, token: ApiToken, method: str, path: str, status: int, client_address: str) -> ApiTokenUse:
    """Log one request made with a token: one INSERT (plus, at most once a minute, the
    token's last-used time)."""
    now = timezone.now()
    use = ApiTokenUse.objects.create(
        token=token, at=now, method=method[:10], path=path[:300], status=status, client_address=client_address[:45]
    )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return use
