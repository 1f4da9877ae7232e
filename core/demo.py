"""The demo town's people: staff for every role in every village, reproducible by seed.

Kept apart from the command so tests can build the same town without the console.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from core import services
from core.models import Grid, Role, Town, User, Village

DEFAULT_PASSWORD = "Dhk-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only
VILLAGE_A = "341502105201"  # 东河口村
VILLAGE_B = "341502105200"  # 长岭村

TOWN_STAFF = [
    # username, role, post
    ("admin", Role.ADMIN, "信息化管理员"),
    ("clerk", Role.DESK_CLERK, "信访接待中心窗口"),
    ("clerk2", Role.DESK_CLERK, "政务服务大厅窗口"),
    ("clerk3", Role.DESK_CLERK, "便民服务热线"),
    ("leader", Role.LEADER, "镇党委书记"),
    ("leader2", Role.LEADER, "镇长"),
    ("leader3", Role.LEADER, "镇党委副书记"),
    ("leader4", Role.LEADER, "镇政法委员"),
    ("leader5", Role.LEADER, "副镇长"),
    ("handler", Role.HANDLER, "综治中心"),
    ("handler2", Role.HANDLER, "矛盾纠纷调处中心"),
    ("handler3", Role.HANDLER, "农业农村办"),
    ("inspector", Role.INSPECTOR, "镇纪委书记"),
    ("inspector2", Role.INSPECTOR, "镇纪委副书记"),
]
# The accounts the README and the seed command print; the rest follow a pattern.
SHOWN_ACCOUNTS = ["admin", "clerk", "leader", "inspector", "handler", "grid_a", "grid_b", "agent_a", "mediator_a"]
MEDIATOR_POSTS = ["村民组长", "老党员", "退休干部", "乡贤"]


@dataclass(frozen=True)
class SeedResult:
    town: Town
    created_users: int
    already_loaded: bool


def _username(kind: str, village: Village, number: int | None = None) -> str:
    if village.code in (VILLAGE_A, VILLAGE_B) and number in (None, 1):
        return f"{kind}_{'a' if village.code == VILLAGE_A else 'b'}"
    suffix = village.code[-3:]
    return f"{kind}{suffix}" if number is None else f"{kind}{suffix}_{number}"


@transaction.atomic
def seed_town(*, seed: int = 2026, password: str = DEFAULT_PASSWORD, grids_per_village: int = 3) -> SeedResult:
    town = services.town_load().town
    if User.objects.filter(username="clerk").exists():
        return SeedResult(town=town, created_users=0, already_loaded=True)

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    password_hash = make_password(password)
    villages = list(town.villages.order_by("code"))
    for village in villages:
        count = grids_per_village + (1 if village.kind == Village.Kind.COMMUNITY else 0)
        services.grids_ensure(village=village, count=count)
    grids_by_village: dict[int, list[Grid]] = {}
    for grid in Grid.objects.filter(village__town=town).order_by("village__code", "number"):
        grids_by_village.setdefault(grid.village_id, []).append(grid)

    def person(username: str, role: str, title: str, village: Village | None = None, grid: Grid | None = None):
        return User(
            username=username,
            password=password_hash,
            role=role,
            title=title,
            town=town,
            village=village,
            grid=grid,
            full_name=fake.name(),
            phone=fake.phone_number(),
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )

    users = [person(username, role, title) for username, role, title in TOWN_STAFF]
    for village in villages:
        users.append(person(_username("agent", village), Role.VILLAGE_AGENT, "村级信访代办员", village))
        for grid in grids_by_village[village.id]:
            users.append(person(_username("grid", village, grid.number), Role.GRID_WORKER, "网格员", village, grid))
        for number in range(1, 4):
            post = rng.choice(MEDIATOR_POSTS)
            users.append(person(_username("mediator", village, number), Role.MEDIATOR, post, village))
    User.objects.bulk_create(users, batch_size=500)
    return SeedResult(town=town, created_users=len(users), already_loaded=False)


def shown_accounts() -> list[User]:
    by_name = {u.username: u for u in User.objects.filter(username__in=SHOWN_ACCOUNTS).select_related("village")}
    return [by_name[name] for name in SHOWN_ACCOUNTS if name in by_name]
