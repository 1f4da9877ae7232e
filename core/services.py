"""Writes for the core app: the town and its villages, staff accounts, the heartbeat."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.models import Grid, JobHeartbeat, Role, Town, User, Village
from core.notifications import notification_mark_read, notifications_send  # noqa: F401 (the callers' entry)

DATA_DIR = Path(__file__).resolve().parent / "data"

# The demo town, as the source article and the NBS division codes describe it.
DONGHEKOU = {
    "code": "341502105",
    "name": "东河口镇",
    "county": "安徽省六安市金安区",
    "tracking_prefix": "DHK",
    "hotline": "0551-62620110",
    "report_phone": "0551-64376913",
    "report_email": "3598612204@qq.com",
}
KIND_FROM_CSV = {"村": Village.Kind.VILLAGE, "居委会": Village.Kind.COMMUNITY}


@dataclass(frozen=True)
class LoadResult:
    town: Town
    created: int
    updated: int


@transaction.atomic
def town_load(*, town_data: dict[str, str] | None = None, villages_csv: Path | None = None) -> LoadResult:
    """Create or update a town and its villages from an NBS division-code CSV.

    Idempotent: villages are matched by their official code, so a second run changes
    nothing, and a renamed village in a newer CSV is renamed in place. Town contacts an
    administrator has edited are kept.
    """
    town_data = town_data or DONGHEKOU
    villages_csv = villages_csv or DATA_DIR / "donghekou_villages.csv"
    town, _ = Town.objects.get_or_create(code=town_data["code"], defaults=town_data)
    created = updated = 0
    with villages_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["code"].startswith(town.code):
                raise ValueError(f"village {row['code']} does not belong to town {town.code}")
            values = {"town": town, "name": row["name"], "kind": KIND_FROM_CSV[row["kind"]]}
            village, was_created = Village.objects.get_or_create(code=row["code"], defaults=values)
            if was_created:
                created += 1
            elif (village.town_id, village.name, village.kind) != (town.id, values["name"], values["kind"]):
                for name, value in values.items():
                    setattr(village, name, value)
                village.save(update_fields=list(values))  # saved, not updated: the audit trail and caches hear of it
                updated += 1
    return LoadResult(town=town, created=created, updated=updated)


@transaction.atomic
def grids_ensure(*, village: Village, count: int) -> list[Grid]:
    """Make sure a village has grids numbered 1..count; existing grids are kept."""
    grids = []
    for number in range(1, count + 1):
        grid, _ = Grid.objects.get_or_create(
            village=village, number=number, defaults={"name": GRID_NAMES.get(number, f"第{number}网格")}
        )
        grids.append(grid)
    return grids


GRID_NAMES = {1: "第一网格", 2: "第二网格", 3: "第三网格", 4: "第四网格", 5: "第五网格", 6: "第六网格"}


def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    town: Town,
    full_name: str = "",
    title: str = "",
    phone: str = "",
    village: Village | None = None,
    grid: Grid | None = None,
) -> User:
    """Create one staff account, validated like the admin form validates it."""
    user = User(
        username=username,
        role=role,
        town=town,
        village=village,
        grid=grid,
        full_name=full_name,
        title=title,
        phone=phone,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def heartbeat_record(*, name: str) -> JobHeartbeat:
    """Note that the job runner ran a scheduled job. Running it twice is harmless."""
    now = timezone.now()
    heartbeat, _ = JobHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return heartbeat


class AlreadyApplied(Exception):
    """The request with this client token was applied before."""


def idempotency_claim(*, key, user) -> None:
    """Claim a client token inside the caller's transaction; raise AlreadyApplied if an
    earlier request already claimed it (its change is then already in the database)."""
    from django.db import IntegrityError, transaction

    from core.models import IdempotencyKey

    if key is None:
        return
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key, user=user if getattr(user, "pk", None) else None)
    except IntegrityError:
        raise AlreadyApplied from None
