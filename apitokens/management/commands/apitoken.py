"""apitoken create|list|revoke — the administrator's command-line for API tokens.

manage.py apitoken create --name 区平台 --system "金安区信访平台" --role desk_clerk
manage.py apitoken create --name 网格 --system 网格通 --role grid_worker --village 341502105201 --grid 1
manage.py apitoken list
manage.py apitoken revoke <prefix>
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apitokens.selectors import api_token_by_prefix, api_token_list
from apitokens.services import TOKEN_ROLES, TokenError, api_token_create, api_token_revoke
from core.models import Grid, Town, User, Village
from petitions.states import Channel


class Command(BaseCommand):
    help = "Create, list and revoke API tokens for outside systems."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Issue a token; its secret is printed once.")
        create.add_argument("--name", required=True)
        create.add_argument("--system", required=True, help="The outside system that uses the token.")
        create.add_argument("--user", help="Act as this existing (non-admin) account.")
        create.add_argument("--role", choices=[r.value for r in TOKEN_ROLES], help="Role of a new service account.")
        create.add_argument("--town", help="Official code of the town (default: the only town).")
        create.add_argument("--village", help="Official 12-digit code of the village.")
        create.add_argument("--grid", type=int, help="Number of the grid in the village.")
        create.add_argument("--channel", choices=Channel.values, default=Channel.MAILBOX)
        create.add_argument("--expires", help="Last day the token works (YYYY-MM-DD).")
        create.add_argument("--by", help="Username of the administrator issuing it (recorded).")
        sub.add_parser("list", help="List every token.")
        revoke = sub.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("prefix")
        revoke.add_argument("--by", help="Username of the administrator revoking it (recorded).")

    def handle(self, *args, verb, **options):
        getattr(self, f"_{verb}")(**options)

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        return user

    def _create(self, **options):
        town = self._town(options["town"])
        village = grid = None
        if options["village"]:
            village = Village.objects.filter(code=options["village"]).first()
            if village is None:
                raise CommandError(f"No village {options['village']!r}.")
            town = town or village.town
        if options["grid"] is not None:
            if village is None:
                raise CommandError("--grid needs --village.")
            grid = Grid.objects.filter(village=village, number=options["grid"]).first()
            if grid is None:
                raise CommandError(f"Village {village.code} has no grid {options['grid']}.")
        expires_at = None
        if options["expires"]:
            try:
                day = datetime.strptime(options["expires"], "%Y-%m-%d").date()
            except ValueError:
                raise CommandError("--expires must be a date, YYYY-MM-DD.") from None
            expires_at = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        user = self._user(options["user"])
        if user is None and not options["role"]:
            raise CommandError("Give --user or --role.")
        try:
            issued = api_token_create(
                name=options["name"],
                system=options["system"],
                user=user,
                role=options["role"],
                town=town,
                village=village,
                grid=grid,
                channel=options["channel"],
                expires_at=expires_at,
                created_by=self._user(options["by"]),
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from None
        token = issued.token
        self.stdout.write(f"Token {token.prefix} for {token.system} acts as {token.user.username} ({token.user.role}).")
        self.stdout.write("Secret (shown once, not stored):")
        self.stdout.write(issued.secret)

    def _town(self, code: str | None) -> Town | None:
        if code:
            town = Town.objects.filter(code=code).first()
            if town is None:
                raise CommandError(f"No town {code!r}.")
            return town
        towns = list(Town.objects.all()[:2])
        return towns[0] if len(towns) == 1 else None

    def _list(self, **options):
        rows = [("prefix", "name", "system", "acts as", "role", "village", "created", "last used", "status")]
        for token in api_token_list():
            user = token.user
            rows.append(
                (
                    token.prefix,
                    token.name,
                    token.system,
                    user.username,
                    user.role,
                    user.village.code if user.village_id else "",
                    f"{timezone.localtime(token.created_at):%Y-%m-%d %H:%M}",
                    f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}" if token.last_used_at else "",
                    "revoked" if token.revoked_at else ("expired" if not token.is_usable() else "active"),
                )
            )
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _revoke(self, **options):
        token = api_token_by_prefix(options["prefix"])
        if token is None:
            raise CommandError(f"No token with the prefix {options['prefix']!r}.")
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.prefix} was already revoked.")
            return
        api_token_revoke(token=token, revoked_by=self._user(options["by"]))
        self.stdout.write(f"Token {token.prefix} revoked.")
