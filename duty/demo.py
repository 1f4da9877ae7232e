"""The demo town's duty roster for the year, the leaders' reception days, the staff cards
on model posts and the default assessment scheme. Safe to run again: what exists stays."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import Role, Town
from duty.models import AssessmentScheme, Identity, LeaderOnDuty, ReceptionDay, StaffCard

RECEPTION_PLACE = "镇信访接待中心接访室"
RECEPTION_TOPICS = ["", "土地承包与流转", "征地拆迁补偿", "社会保障与救助", "邻里纠纷", "农村人居环境", ""]
VISIT_TOPIC = "下访接待，现场化解矛盾纠纷"
# username → (post, identity, duty, commitment): the desk's own staff on model posts.
CARDS = [
    (
        "clerk",
        "信访接待中心窗口",
        Identity.PARTY_MEMBER,
        "登记来信来访、网上信箱诉求，当场出具回执，按时转送交办。",
        "开门接访、热情接待，件件有登记、事事有回音。",
    ),
    (
        "clerk2",
        "政务服务大厅窗口",
        Identity.PARTY_MEMBER,
        "一窗受理群众诉求，能当场解答的当场解答。",
        "一次告知、限时办结，不让群众跑冤枉路。",
    ),
    (
        "clerk3",
        "便民服务热线",
        Identity.PROBATIONARY,
        "接听便民服务热线，记录诉求并跟踪回访。",
        "随时接访，电话铃响三声内接听。",
    ),
    (
        "handler",
        "综治中心",
        Identity.PARTY_MEMBER,
        "牵头排查化解矛盾纠纷，调度网格员巡查。",
        "小事不出村、大事不出镇、矛盾不上交。",
    ),
    (
        "handler2",
        "矛盾纠纷调处中心",
        Identity.PARTY_MEMBER,
        "受理村级调解不成的纠纷，组织联合调处。",
        "依法调处、公平公正，调解协议件件跟踪履行。",
    ),
    (
        "handler3",
        "农业农村办",
        Identity.NON_PARTY,
        "办理土地承包、惠农补贴等涉农诉求。",
        "上门走访，政策讲到田间地头。",
    ),
]


@dataclass(frozen=True)
class DutyDemo:
    duty_days: int
    reception_days: int
    cards: int


@transaction.atomic
def seed_duty(*, town: Town, today: date, seed: int) -> DutyDemo:
    """The whole year of ``today``: a leader on duty every day (the town's leaders in turn),
    a reception day every Wednesday at the reception centre and on the second Friday of each
    month in one of the villages (下访), the staff cards and the default scheme."""
    AssessmentScheme.objects.get_or_create(town=town)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    leaders = list(get_user_model().objects.filter(town=town, role=Role.LEADER, is_active=True).order_by("username"))
    if not leaders:
        return DutyDemo(0, 0, 0)
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    taken = set(LeaderOnDuty.objects.filter(town=town, day__range=(first, last)).values_list("day", flat=True))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    duties = [
        LeaderOnDuty(town=town, day=day, leader=leaders[i % len(leaders)])
        for i, day in enumerate(days)
        if day not in taken
    ]
    LeaderOnDuty.objects.bulk_create(duties)

    receptions = []
    if not ReceptionDay.objects.filter(town=town, day__range=(first, last)).exists():
        villages = list(town.villages.order_by("code"))
        for i, day in enumerate(d for d in days if d.weekday() == 2):
            receptions.append(
                ReceptionDay(
                    town=town,
                    day=day,
                    leader=leaders[i % len(leaders)],
                    place=RECEPTION_PLACE,
                    starts=time(8, 30),
                    ends=time(11, 30),
                    topic=RECEPTION_TOPICS[i % len(RECEPTION_TOPICS)],
                )
            )
        for month in range(1, 13):
            fridays = [d for d in days if d.month == month and d.weekday() == 4]
            village = rng.choice(villages)
            receptions.append(
                ReceptionDay(
                    town=town,
                    day=fridays[1],
                    leader=leaders[month % len(leaders)],
                    place=f"{village.short_name}睦邻调解室",
                    starts=time(14, 30),
                    ends=time(17, 0),
                    topic=VISIT_TOPIC,
                )
            )
        ReceptionDay.objects.bulk_create(receptions)

    cards = []
    if not StaffCard.objects.filter(town=town).exists():
        people = {u.username: u for u in get_user_model().objects.filter(username__in=[c[0] for c in CARDS])}
        for sort, (username, post, identity, duty, commitment) in enumerate(CARDS, start=1):
            person = people.get(username)
            if person is None:
                continue
            cards.append(
                StaffCard(
                    town=town,
                    name=person.display_name,
                    post=post,
                    identity=identity,
                    duty=duty,
                    commitment=commitment,
                    sort=sort * 10,
                )
            )
        StaffCard.objects.bulk_create(cards)
    return DutyDemo(duty_days=len(duties), reception_days=len(receptions), cards=len(cards))
