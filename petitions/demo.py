"""A believable year of petitions for the demo town, built in bulk and reproducible by seed.

Each petition is walked through the lifecycle in memory (registered → routed → notified →
replied → followed up → closed, with the legal clocks) and stops where "today" finds it;
rows and timeline entries are then written with bulk inserts. The totals follow the
article: 860 demands this year, every reasonable one solved on time, everyone who rated
satisfied or basically satisfied.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F
from faker import Faker

from core.models import Grid, Role, Town, User
from petitions import clocks, listcache
from petitions.demo_write import petition_defaults, writer
from petitions.models import (
    Category,
    HandlingUnit,
    Petition,
    ResponsibilityRule,
    TrackingCounter,
    format_tracking_number,
    tracking_series,
)
from petitions.responsibility import pick
from petitions.services import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH
from petitions.states import Action, Channel, Kind, Mode, Origin, Outcome, Satisfaction, State

TZ = ZoneInfo("Asia/Shanghai")
Key = clocks.Key

SEAT_VILLAGES = {"341502105201", "341502105001"}
ORIGINS = [(Origin.DIRECT, 45), (Origin.ESCALATED, 40), (Origin.ASSIGNED, 15)]
CHANNELS = {
    Origin.DIRECT: [
        (Channel.WINDOW, 30),
        (Channel.HOTLINE, 30),
        (Channel.MAILBOX, 15),
        (Channel.RECEPTION_DAY, 10),
        (Channel.LEADER_VISIT, 5),
        (Channel.LETTER, 10),
    ],
    Origin.ESCALATED: [(Channel.GRID_PATROL, 55), (Channel.HOME_VISIT, 45)],
    Origin.ASSIGNED: [(Channel.PLATFORM, 80), (Channel.LETTER, 20)],
}
KINDS = [(Kind.GRIEVANCE, 68), (Kind.ENQUIRY, 14), (Kind.SUGGESTION, 12), (Kind.ACCUSATION, 6)]
CATEGORY_WEIGHTS = {
    "land": 18,
    "neighbours": 16,
    "roads-water": 12,
    "social-security": 11,
    "wages": 9,
    "family": 8,
    "housing": 7,
    "environment": 7,
    "village-affairs": 5,
    "agriculture": 4,
    "public-order": 3,
    "other": 3,
}
OFFICE_FOR_CATEGORY = {
    "land": "自然资源和规划所",
    "neighbours": "矛盾纠纷调处中心",
    "roads-water": "规划建设办公室",
    "social-security": "社会事务办公室",
    "wages": "劳动保障所",
    "family": "司法所",
    "housing": "规划建设办公室",
    "environment": "生态环境办公室",
    "village-affairs": "党政办公室",
    "agriculture": "农业农村办公室",
    "public-order": "综治中心",
    "other": "信访接待中心",
    "conduct": "镇纪委",
}
TITLES = {
    "land": ["征地补偿款未足额发放", "安置房分配有异议", "承包地被他人占用", "宅基地审批进度"],
    "neighbours": ["邻居建房侵占地界", "排水沟被堵影响通行", "相邻房屋漏水纠纷"],
    "roads-water": ["村组道路破损", "自来水水压不足", "灌溉渠道淤塞", "路灯损坏"],
    "social-security": ["申请低保未获答复", "养老保险待遇咨询", "大病医疗报销", "残疾人补贴发放"],
    "wages": ["工地拖欠工资", "务工受伤待遇", "劳动合同纠纷"],
    "family": ["子女不履行赡养义务", "离婚后抚养费纠纷", "遗产继承分歧"],
    "housing": ["危房改造申请", "房屋确权登记", "违建影响采光"],
    "environment": ["养殖场异味扰民", "河道垃圾堆积", "企业排污"],
    "village-affairs": ["村务公开不及时", "集体山场承包费", "村集体收益分配"],
    "agriculture": ["耕地地力保护补贴", "暴雨农作物受灾", "山林权属争议"],
    "public-order": ["夜间噪音扰民", "电信诈骗求助", "路口安全隐患"],
    "other": ["政策咨询", "其他求助事项"],
    "conduct": ["反映村干部工作作风", "反映违规收费"],
}


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


class _Table:
    """A weighted choice with its cumulative weights computed once: ``rng.choices`` with
    ``cum_weights`` draws exactly what it draws with ``weights``, without summing each time."""

    def __init__(self, weighted):
        self.items, weights = zip(*weighted, strict=True)
        self.cum = list(accumulate(weights))

    def __call__(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]


ORIGIN_TABLE = _Table(ORIGINS)
CHANNEL_TABLES = {origin: _Table(channels) for origin, channels in CHANNELS.items()}
KIND_TABLE = _Table(KINDS)
CATEGORY_TABLE = _Table(list(CATEGORY_WEIGHTS.items()))
OUTCOME_TABLE = _Table([(Outcome.SUPPORTED, 70), (Outcome.EXPLAINED, 22), (Outcome.NOT_SUPPORTED, 8)])
REPLIES = {
    Outcome.SUPPORTED: "经调查，诉求合理，已协调解决。",
    Outcome.EXPLAINED: "经调查，已向诉求人解释相关政策。",
    Outcome.NOT_SUPPORTED: "经调查，诉求缺乏政策依据，不予支持，已说明理由。",
}
# Above this many petitions, names come from a pool of Faker names (Faker takes ~0.2 ms a name).
NAME_POOL_FROM = 100_000
NAME_POOL_SIZE = 20_000


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8, 30), TZ) + timedelta(minutes=rng.randint(0, 9 * 60))


def _after(moment: datetime, previous: datetime) -> datetime:
    """A step taken on the same day as the one before it comes after it."""
    return max(moment, previous + timedelta(minutes=10))


class Draft:
    """A petition walked through the lifecycle in memory: the model's columns as plain
    attributes, with the model's defaults (building a ``Petition`` costs ~30 µs; this ~2)."""

    def __init__(self, **values):
        self.__dict__.update(petition_defaults())
        self.__dict__.update(values)


class Person:
    __slots__ = ("address", "name", "phone", "pk", "village_id")

    def __init__(self, name: str, phone: str, address: str, village_id: int):
        self.pk, self.name, self.phone, self.address, self.village_id = None, name, phone, address, village_id


@dataclass
class Life:
    """One petition walked through the lifecycle in memory; entries are rows of
    ``demo_write.ENTRY_COLUMNS`` without the petition."""

    petition: Draft
    people: list[Person] = field(default_factory=list)
    entries: list[tuple] = field(default_factory=list)
    earlier: Draft | None = None  # the same person's previous petition, for repeats

    def log(self, at: datetime, actor, action: str, from_state: str, to_state: str, note: str, public: bool = True):
        self.entries.append((at, actor.id if actor else None, action, from_state, to_state, note, public))
        self.petition.state = to_state


class DemoTown:
    def __init__(self, town: Town, seed: int, *, name_pool: bool = False):
        self.town = town
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.name = self.fake.name
        if name_pool:
            pool = [self.fake.name() for _ in range(NAME_POOL_SIZE)]
            names = random.Random(seed + 7)  # noqa: S311 - its own stream: the draws below stay the same
            self.name = lambda: names.choice(pool)
        self.units = {u.name: u for u in HandlingUnit.objects.filter(town=town).select_related("village")}
        self.village_units = {u.village_id: u for u in self.units.values() if u.village_id}
        self.leaves: dict[str, list[Category]] = {}
        for category in Category.objects.filter(parent__isnull=False).select_related("parent"):
            self.leaves.setdefault(category.parent.code, []).append(category)
        self.grids: dict[int, list[Grid]] = {}
        for grid in Grid.objects.filter(village__town=town).select_related("village"):
            self.grids.setdefault(grid.village_id, []).append(grid)
        self.villages = sorted((grids[0].village for grids in self.grids.values()), key=lambda v: v.code)
        # The town seat (东河口村) and the street committee bring more petitions than the hamlets.
        self.village_weights = list(accumulate(4 if v.code in SEAT_VILLAGES else 1 for v in self.villages))
        staff = list(User.objects.filter(town=town).order_by("username"))
        self.clerks = [u for u in staff if u.role == Role.DESK_CLERK]
        self.leaders = [u for u in staff if u.role == Role.LEADER]
        self.inspectors = [u for u in staff if u.role == Role.INSPECTOR]
        self.rules = list(ResponsibilityRule.objects.filter(town=town).select_related("leader"))
        self.agents = {u.village_id: u for u in staff if u.role == Role.VILLAGE_AGENT}
        self.people: list[Person] = []
        self.last_petition: dict[int, Draft] = {}  # id(person) → their latest petition
        self.upstream: set[str] = set()
        self.dues: dict[tuple, date] = {}  # the clocks are pure functions of the day: ask once
        self.rules_memo: dict[tuple, ResponsibilityRule | None] = {}
        # The follow-up note names the rating in the language active now, as the model's display would.
        self.satisfaction_labels = {value: str(label) for value, label in Satisfaction.choices}

    def warm(self, start: date, end: date) -> None:
        """Ask the clocks once for every day a petition may need: the walk then reads no table
        (a big load writes in a second thread on the same connection meanwhile)."""
        day = start
        while day <= end + timedelta(days=10):
            for key in (Key.ROUTE, Key.NOTIFY, Key.OBJECT, Key.HANDLE):
                self.due(key, day)
            day += timedelta(days=1)

    def due(self, key: str, day: date) -> date:
        memo = (key, day)
        if memo not in self.dues:
            self.dues[memo] = clocks.due(key, day)
        return self.dues[memo]

    def handle_due(self, day: date, upstream_due: date | None) -> date:
        """``clocks.handle_due`` without an extension, from the memo."""
        deadline = self.due(Key.HANDLE, day)
        return upstream_due if upstream_due is not None and upstream_due < deadline else deadline

    def rule(self, category: Category, village_id: int):
        memo = (category.id, village_id)
        if memo not in self.rules_memo:
            self.rules_memo[memo] = pick(self.rules, category=category, village_id=village_id)
        return self.rules_memo[memo]

    def person(self, village) -> Person:
        if self.people and self.rng.random() < 0.08:
            return self.rng.choice(self.people)
        person = Person(
            name=self.name(),
            phone=f"1{self.rng.choice('3578')}{self.rng.randint(0, 999999999):09d}",
            address=f"{village.short_name}{self.rng.randint(1, 12)}组",
            village_id=village.id,
        )
        self.people.append(person)
        return person

    def upstream_reference(self, day0: date) -> str:
        reference = f"LA-{day0:%Y%m%d}-{self.rng.randint(100, 999)}"
        # Unique in the town: a busy day of a big demo draws the same three digits again.
        n = 1
        unique = reference
        while unique in self.upstream:
            n += 1
            unique = f"{reference}-{n}"
        self.upstream.add(unique)
        return unique

    def life(self, registered: datetime, today: date) -> Life:
        rng = self.rng
        origin = ORIGIN_TABLE(rng)
        kind = KIND_TABLE(rng)
        top = "conduct" if kind == Kind.ACCUSATION else CATEGORY_TABLE(rng)
        category = rng.choice(self.leaves[top])
        village = rng.choices(self.villages, cum_weights=self.village_weights)[0]
        channel = CHANNEL_TABLES[origin](rng)
        anonymous = channel == Channel.MAILBOX and rng.random() < 0.1
        people = [] if anonymous else [self.person(village) for _ in range(1 if rng.random() > 0.03 else 3)]
        day0 = registered.astimezone(TZ).date()
        query_code = "".join(rng.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
        upstream_reference = self.upstream_reference(day0) if origin == Origin.ASSIGNED else ""
        grid = rng.choice(self.grids[village.pk])
        title = rng.choice(TITLES[top])
        content = f"{village.short_name}群众反映：{rng.choice(TITLES[top])}，希望尽快解决。"
        registered_by = self.agents.get(village.pk) if origin == Origin.ESCALATED else rng.choice(self.clerks)
        p = Draft(
            town_id=self.town.id,
            query_code=query_code,
            channel=channel,
            origin=origin,
            upstream_reference=upstream_reference,
            kind=kind,
            category_id=category.id,
            village_id=village.id,
            grid_id=grid.id,
            title=title,
            content=content,
            request="请求有关部门尽快调查处理并答复。",
            oral=channel in (Channel.WINDOW, Channel.HOTLINE, Channel.RECEPTION_DAY, Channel.HOME_VISIT),
            anonymous=anonymous,
            headcount=len(people) or 1,
            is_collective=len(people) > 1,
            registered_at=registered,
            registered_by_id=registered_by.id if registered_by else None,
            route_due=self.due(Key.ROUTE, day0),
        )
        if origin == Origin.ASSIGNED:
            p.upstream_due = day0 + timedelta(days=45)
        life = Life(p, people)
        earlier = [self.last_petition[id(person)] for person in people if id(person) in self.last_petition]
        if earlier:
            p.is_repeat = True
            life.earlier = earlier[0]
        for person in people:
            self.last_petition[id(person)] = p
        life.log(registered, registered_by, Action.REGISTER, "", State.REGISTERED, "登记")
        self._walk(life, top, category, today)
        p.next_due = clocks.next_due(p)
        return life

    def _walk(self, life: Life, top: str, category: Category, today: date) -> None:
        rng, p = self.rng, life.petition
        day0 = p.registered_at.astimezone(TZ).date()
        accusation = p.kind == Kind.ACCUSATION
        clerk = rng.choice(self.inspectors if accusation else self.clerks)
        route_day = day0 + timedelta(days=rng.randint(0, 4))
        if route_day > today:
            return
        routed = _after(_at(route_day, rng), p.registered_at)
        roll = rng.random()
        if roll < 0.02 and not accusation:
            p.routed_at = p.closed_at = routed
            p.transfer_destination = "六安市金安区人民法院"
            life.log(routed, clerk, Action.TRANSFER, State.REGISTERED, State.TRANSFERRED, "属诉讼事项，转送法院")
            return
        if roll < 0.04 and not accusation:
            p.routed_at = p.closed_at = p.notified_at = routed
            p.decision_reason = "已经司法程序处理，依法不予受理"
            life.log(routed, clerk, Action.REJECT, State.REGISTERED, State.NOT_ACCEPTED, p.decision_reason)
            return
        p.routed_at = p.accepted_at = routed
        p.notify_due = self.due(Key.NOTIFY, route_day)
        p.handle_due = self.handle_due(route_day, p.upstream_due)
        chosen = rng.choice(self.leaders)
        rule = self.rule(category, p.village_id)
        # Accusations have no responsible leader: the discipline committee answers for them.
        leader = None if accusation else (rule.leader if rule else chosen)
        p.responsible_leader_id = leader.id if leader else None
        if accusation:
            p.mode, unit = Mode.ASSIGNED, self.units["镇纪委"]
        elif p.kind == Kind.ENQUIRY or rng.random() < 0.15:
            p.mode, unit = Mode.DIRECT, self.units["信访接待中心"]
        elif p.origin == Origin.DIRECT and rng.random() < 0.4:
            p.mode, unit = Mode.ASSIGNED, self.village_units[p.village_id]
        else:
            p.mode, unit = Mode.ASSIGNED, self.units[OFFICE_FOR_CATEGORY[top]]
        p.unit_id = unit.id
        if p.mode == Mode.ASSIGNED:
            p.object_due = self.due(Key.OBJECT, route_day)
        action = Action.ACCEPT if p.mode == Mode.DIRECT else Action.ASSIGN
        life.log(routed, clerk, action, State.REGISTERED, State.HANDLING, f"交{unit.name}办理")

        quick = p.kind == Kind.ENQUIRY
        notice_day = route_day + timedelta(days=rng.randint(0, 2 if quick else 8))
        if notice_day > today:
            return
        p.notified_at = _after(_at(notice_day, rng), routed)
        life.log(p.notified_at, clerk, Action.NOTIFY, State.HANDLING, State.HANDLING, "已书面告知受理及办理方式")

        latest = (p.handle_due - route_day).days - 1
        reply_day = route_day + timedelta(days=rng.randint(1, 5) if quick else rng.randint(5, max(6, min(latest, 45))))
        reply_day = max(reply_day, notice_day)  # the written notice comes first (or with the reply)
        if reply_day > today:
            return
        p.replied_at = _after(_at(reply_day, rng), p.notified_at)
        p.outcome = OUTCOME_TABLE(rng)
        p.reply_text = REPLIES[p.outcome]
        life.log(p.replied_at, clerk, Action.REPLY, State.HANDLING, State.REPLIED, p.reply_text)

        visit_day = reply_day + timedelta(days=rng.randint(1, 5))
        if visit_day > today:
            return
        p.rated_at = p.closed_at = _at(visit_day, rng)
        p.satisfaction = Satisfaction.SATISFIED if rng.random() < 0.88 else Satisfaction.BASICALLY
        note = f"回访：{self.satisfaction_labels[p.satisfaction]}"
        life.log(p.rated_at, clerk, Action.FOLLOW_UP, State.REPLIED, State.CLOSED, note)


def _moments(rng: random.Random, count: int, start: date, end: date, peak: int) -> list[datetime]:
    """Registration moments, evenly spread over the days from `start` to `end`; with `peak`,
    that many of them fall in the last full month before `end` (a surge, for the benchmark's
    month of 100,000 petitions)."""
    span = (end - start).days + 1
    moments = [_at(start + timedelta(days=rng.randrange(span)), rng) for _ in range(count - peak)]
    if peak:
        last = end.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        days = (last - first).days + 1
        moments += [_at(first + timedelta(days=rng.randrange(days)), rng) for _ in range(peak)]
    return sorted(moments)


@transaction.atomic
def seed_petitions(
    *,
    town: Town,
    count: int,
    start: date,
    end: date,
    seed: int,
    progress: Callable[[int], None] | None = None,
    batch: int = 2000,
    peak: int = 0,
) -> int:
    """Create `count` petitions registered between `start` and `end` (inclusive); `peak` of
    them in the last full month before `end`."""
    # Millions of small objects stay alive while the load runs: the cyclic collector would walk
    # them all again and again, for nothing (none of them forms a cycle that must be freed).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _seed(town, count, start, end, seed, progress, batch, peak)
    finally:
        if collecting:
            gc.enable()


def _seed(town, count, start, end, seed, progress, batch, peak) -> int:
    demo = DemoTown(town, seed, name_pool=count >= NAME_POOL_FROM)
    moments = _moments(demo.rng, count, start, end, min(peak, count))
    counters: dict[tuple[str, int], int] = {
        (series, year): last
        for series, year, last in TrackingCounter.objects.filter(town=town).values_list("series", "year", "last")
    }
    demo.warm(start, end)
    out = writer()
    created = 0
    written = 0
    for offset in range(0, count, batch):
        lives = []
        for registered in moments[offset : offset + batch]:
            life = demo.life(registered, end)
            key = (tracking_series(life.petition.kind), registered.astimezone(TZ).year)
            counters[key] = counters.get(key, 0) + 1
            life.petition.tracking_number = format_tracking_number(town.tracking_prefix, *key, counters[key])
            lives.append(life)
        out.write(town=town, people=demo.people[written:], lives=lives)
        for life in lives:  # a later repeat needs only the id of its person's last petition
            life.petition.__dict__ = {"id": life.petition.id}
        written = len(demo.people)
        created += len(lives)
        if progress:
            progress(created)
    out.finish()
    for (series, year), last in counters.items():
        TrackingCounter.objects.update_or_create(town=town, series=series, year=year, defaults={"last": last})
    _flag_article_results(town, demo.rng)
    return created


LONG_CASE = timedelta(days=34)


def _flag_article_results(town: Town, rng: random.Random) -> None:
    """The article's figures: 30 public-interest demands turned into results and 6 key
    petition matters, all resolved. They are long cases (handled for 34 days or more), so a
    monthly liaison meeting fell while they were being handled."""
    long_handled = ExpressionWrapper(F("replied_at") - F("accepted_at"), output_field=DurationField())
    closed = list(
        Petition.objects.filter(town=town, state=State.CLOSED, outcome=Outcome.SUPPORTED)
        .exclude(kind=Kind.ACCUSATION)
        .annotate(handled_for=long_handled)
        .filter(handled_for__gte=LONG_CASE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(closed)
    Petition.objects.filter(pk__in=closed[:30]).update(is_public_interest=True)
    Petition.objects.filter(pk__in=closed[30:36]).update(is_key_matter=True)
    listcache.bump(town.pk)  # rows written by COPY and update(): no signal told the cached lists


@transaction.atomic
def staff_units(*, town: Town) -> None:
    """Desk clerks staff the reception centre, handlers their office, village staff their
    village's unit; the first leader heads the town units, each village agent their village."""
    units = {u.name: u for u in HandlingUnit.objects.filter(town=town)}
    users = list(User.objects.filter(town=town))
    leader = next((u for u in users if u.role == Role.LEADER), None)
    by_title = {u.title: u for u in users if u.role == Role.HANDLER}
    for unit in units.values():
        if unit.village_id is None:
            unit.head = by_title.get(unit.name) or leader
            unit.save(update_fields=["head"])
            if unit.name in by_title:
                unit.members.add(by_title[unit.name])
    reception = units.get("信访接待中心")
    if reception is not None:
        reception.members.add(*[u for u in users if u.role == Role.DESK_CLERK])
    discipline = units.get("镇纪委")
    if discipline is not None:
        discipline.members.add(*[u for u in users if u.role == Role.INSPECTOR])
    for unit in HandlingUnit.objects.filter(town=town, village__isnull=False):
        village_staff = [u for u in users if u.village_id == unit.village_id and u.role != Role.MEDIATOR]
        unit.members.add(*village_staff)
        unit.head = next((u for u in village_staff if u.role == Role.VILLAGE_AGENT), None)
        unit.save(update_fields=["head"])


# The demo town's responsibility table (谁主管谁负责): top-level category → office and leader.
RESPONSIBILITY = {
    None: ("信访接待中心", "镇党委副书记"),
    "land": ("自然资源和规划所", "副镇长"),
    "wages": ("劳动保障所", "镇长"),
    "neighbours": ("司法所", "镇政法委员"),
    "family": ("司法所", "镇政法委员"),
    "environment": ("生态环境办公室", "副镇长"),
    "roads-water": ("规划建设办公室", "副镇长"),
    "social-security": ("社会事务办公室", "镇党委副书记"),
    "housing": ("规划建设办公室", "镇长"),
    "village-affairs": ("党政办公室", "镇党委副书记"),
    "public-order": ("派出所", "镇政法委员"),
}


@transaction.atomic
def responsibility_rules(*, town: Town) -> int:
    """Seed the default responsibility table once; an administrator edits it afterwards."""
    if ResponsibilityRule.objects.filter(town=town).exists():
        return 0
    units = {u.name: u for u in HandlingUnit.objects.filter(town=town)}
    leaders = {u.title: u for u in User.objects.filter(town=town, role=Role.LEADER).order_by("username")}
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    rules = []
    for code, (unit, title) in RESPONSIBILITY.items():
        if unit in units and title in leaders and (code is None or code in categories):
            rules.append(
                ResponsibilityRule(town=town, category=categories.get(code), unit=units[unit], leader=leaders[title])
            )
    # The town seat's land matters are the biggest: the town head answers for them.
    seat = town.villages.filter(name__startswith="东河口").order_by("code").first()
    if seat is not None and "land" in categories and "镇长" in leaders:
        rules.append(
            ResponsibilityRule(
                town=town,
                category=categories["land"],
                village=seat,
                unit=units["自然资源和规划所"],
                leader=leaders["镇长"],
            )
        )
    ResponsibilityRule.objects.bulk_create(rules)
    return len(rules)
