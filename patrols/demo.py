"""A year of patrols and the risks found on them, for the demo town (bulk inserts)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from core.models import Role, Town, User
from patrols.models import Patrol, Risk

TZ = ZoneInfo("Asia/Shanghai")
ROUTES = ["一组至三组", "村部周边", "沿河一线", "四组至六组", "集镇街道", "学校及周边", "山场林区"]
POLICIES = ["土地承包政策", "防范电信诈骗", "医保缴费政策", "人民调解法", "安全生产知识", "养老保险政策"]
PLACES = ["村口", "三组", "河堤", "村部", "学校门口", "山场", "集镇"]
DESCRIPTIONS = {
    Risk.Kind.LAND: "两户因地界发生争吵",
    Risk.Kind.NEIGHBOURS: "排水沟堵塞引发邻里矛盾",
    Risk.Kind.FAMILY: "子女赡养老人意见不一",
    Risk.Kind.WAGES: "工地拖欠务工人员工资",
    Risk.Kind.SAFETY: "危桥栏杆松动",
    Risk.Kind.ENVIRONMENT: "垃圾堆放影响周边住户",
    Risk.Kind.OTHER: "其他需关注的情况",
}
KINDS = [(Risk.Kind.LAND, 25), (Risk.Kind.NEIGHBOURS, 30), (Risk.Kind.FAMILY, 15), (Risk.Kind.WAGES, 8),
         (Risk.Kind.SAFETY, 10), (Risk.Kind.ENVIRONMENT, 7), (Risk.Kind.OTHER, 5)]  # fmt: skip
LEVELS = [(Risk.Level.LOW, 70), (Risk.Level.MEDIUM, 25), (Risk.Level.HIGH, 5)]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


@transaction.atomic
def seed_patrols(*, town: Town, start: date, end: date, seed: int, patrols_per_week: int = 2) -> tuple[int, int]:
    """Each grid worker patrols about twice a week; one patrol in six finds a dispute or risk.
    Older risks have been resolved on the spot; the last fortnight's are still open."""
    rng = random.Random(seed + 4)  # noqa: S311 - reproducible demo data
    workers = list(User.objects.filter(town=town, role=Role.GRID_WORKER).select_related("grid").order_by("username"))
    patrols: list[Patrol] = []
    findings: list[tuple[int, date]] = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for worker in workers:
                if rng.random() < patrols_per_week / 5:
                    found = rng.random() < 1 / 6
                    patrols.append(
                        Patrol(
                            town=town,
                            village_id=worker.village_id,
                            grid=worker.grid,
                            worker=worker,
                            day=day,
                            route=rng.choice(ROUTES),
                            residents_met=rng.randint(3, 25),
                            policy_explained=rng.choice(POLICIES),
                            findings="发现矛盾隐患一处" if found else "未发现异常",
                        )
                    )
                    if found:
                        findings.append((len(patrols) - 1, day))
        day += timedelta(days=1)
    Patrol.objects.bulk_create(patrols, batch_size=2000)
    risks = []
    for index, found_on in findings:
        patrol = patrols[index]
        kind = _pick(rng, KINDS)
        recent = (end - found_on).days < 14
        resolved = not recent  # what is older than a fortnight has been defused
        risks.append(
            Risk(
                town=town,
                village_id=patrol.village_id,
                grid=patrol.grid,
                patrol=patrol,
                reported_by=patrol.worker,
                found_on=found_on,
                kind=kind,
                level=_pick(rng, LEVELS),
                place=f"{rng.choice(PLACES)}",
                parties="张某与李某" if kind != Risk.Kind.SAFETY else "—",
                description=DESCRIPTIONS[kind],
                state=Risk.State.RESOLVED if resolved else Risk.State.OPEN,
                outcome="网格员会同村民组长当场做通工作，双方和解" if resolved else "",
                closed_at=datetime.combine(found_on, time(17, 0), TZ) if resolved else None,
            )
        )
    Risk.objects.bulk_create(risks, batch_size=2000)
    return len(patrols), len(risks)
