"""A believable year of village mediation for the demo town, built in bulk and reproducible by seed.

The article: each of the 29 villages has a good-neighbour mediation room staffed by village
group leaders, old party members, retired cadres and respected locals; this year they
mediated 840+ disputes and risks, most of them ending in agreement. Each case is walked
through the same lifecycle table the services enforce (registered → sessions → agreed /
partly agreed / failed → returned or referred / withdrawn) and stops where "today" finds it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from faker import Faker

from core.models import Role, Town, User
from mediation import clocks
from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    MediationCase,
    MediationCounter,
    MediationRoom,
    MediationSession,
    Party,
    RoomMember,
)
from mediation.services import dispute_centre, rooms_ensure
from mediation.states import (
    Action,
    CourtResult,
    DisputeKind,
    Gender,
    MemberKind,
    PartyRole,
    Performance,
    RiskLevel,
    Source,
    State,
)

TZ = ZoneInfo("Asia/Shanghai")
ARTICLE_CASES = 845  # "840+ disputes and risks mediated this year"
COMPLEX_FROM_PETITIONS = 25  # "25 complex disputes resolved"
POLICE_FLAGS = 6
SEAT_VILLAGES = {"341502105201", "341502105001"}

SOURCES = [(Source.WALK_IN, 50), (Source.PATROL_RISK, 38), (Source.POLICE, 8), (Source.COURT, 4)]
KINDS = [
    (DisputeKind.NEIGHBOURS, 26),
    (DisputeKind.FAMILY, 20),
    (DisputeKind.LAND, 15),
    (DisputeKind.HOUSING, 10),
    (DisputeKind.DEBT, 9),
    (DisputeKind.DAMAGES, 8),
    (DisputeKind.LABOUR, 5),
    (DisputeKind.ENVIRONMENT, 4),
    (DisputeKind.OTHER, 3),
]
PETITION_CATEGORY_KIND = {
    "neighbours": DisputeKind.NEIGHBOURS,
    "land": DisputeKind.LAND,
    "family": DisputeKind.FAMILY,
    "housing": DisputeKind.HOUSING,
    "wages": DisputeKind.LABOUR,
}
RISKS = [(RiskLevel.LOW, 64), (RiskLevel.MEDIUM, 29), (RiskLevel.HIGH, 7)]
OUTCOMES = [("agreed", 86), ("partly", 4), ("failed", 5), ("withdrawn", 5)]
SUMMARIES = {
    DisputeKind.NEIGHBOURS: ["院墙越界引发邻里纠纷", "排水沟堵塞影响邻居", "相邻房屋漏水纠纷", "邻里通行道路纠纷"],
    DisputeKind.FAMILY: ["子女赡养老人纠纷", "兄弟分家析产纠纷", "婚姻家庭矛盾", "遗产继承分歧"],
    DisputeKind.LAND: ["承包地边界纠纷", "山林权属争议", "土地流转租金纠纷", "征地补偿分配纠纷"],
    DisputeKind.HOUSING: ["宅基地使用权纠纷", "建房采光纠纷", "房屋买卖纠纷"],
    DisputeKind.DEBT: ["民间借贷纠纷", "农资买卖欠款纠纷", "合伙经营纠纷"],
    DisputeKind.DAMAGES: ["交通事故赔偿纠纷", "家畜损毁庄稼赔偿纠纷", "人身损害赔偿纠纷"],
    DisputeKind.LABOUR: ["务工报酬纠纷", "雇工受伤赔偿纠纷"],
    DisputeKind.ENVIRONMENT: ["养殖异味扰民纠纷", "噪音扰民纠纷"],
    DisputeKind.OTHER: ["其他民间纠纷"],
}
TERMS = {
    DisputeKind.NEIGHBOURS: ["{r}于{d}日内拆除越界部分并恢复原状", "{a}配合{r}疏通排水沟", "双方互谅互让，和睦相处"],
    DisputeKind.FAMILY: ["{r}每月支付赡养费500元", "{r}轮流照料老人生活起居", "双方按协议分割家庭财产"],
    DisputeKind.LAND: ["双方以村组测量的界桩为准", "{r}退还占用的承包地", "{r}一次性补偿{a}青苗费1200元"],
    DisputeKind.HOUSING: ["{r}调整建房位置，保证{a}采光", "双方共用通道宽度不少于2米"],
    DisputeKind.DEBT: ["{r}分三期归还借款30000元", "{r}于{d}日内付清欠款8600元"],
    DisputeKind.DAMAGES: ["{r}一次性赔偿{a}医疗费等共计6500元", "{r}赔偿{a}庄稼损失900元"],
    DisputeKind.LABOUR: ["{r}于{d}日内支付{a}劳务报酬4200元", "{r}承担{a}医疗费3000元"],
    DisputeKind.ENVIRONMENT: ["{r}于{d}日内清理养殖废弃物并加盖防护", "{r}晚十时后停止施工作业"],
    DisputeKind.OTHER: ["双方就争议事项达成和解，互不追究"],
}
MEMBER_KINDS = [
    (MemberKind.GROUP_LEADER, 30),
    (MemberKind.PARTY_VETERAN, 25),
    (MemberKind.RETIRED_CADRE, 20),
    (MemberKind.RESPECTED_LOCAL, 20),
    (MemberKind.LEGAL_WORKER, 5),
]
DUTIES = {
    MemberKind.GROUP_LEADER: "排查本组矛盾纠纷，第一时间到场劝解",
    MemberKind.PARTY_VETERAN: "宣传法律政策，带头化解邻里矛盾",
    MemberKind.RETIRED_CADRE: "参与疑难纠纷调解，做好调解记录",
    MemberKind.RESPECTED_LOCAL: "以德服人，协助调解家庭邻里纠纷",
    MemberKind.LEGAL_WORKER: "提供法律咨询，审核调解协议",
}
CHAIR_DUTY = "主持调解委员会工作，组织重大疑难纠纷调解"
COMMITMENTS = ["公正调解、不偏不倚", "随叫随到、有求必应", "小事不出组、大事不出村", "保守秘密、尊重当事人"]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8, 30), TZ) + timedelta(minutes=rng.randint(0, 9 * 60))


def _after(moment: datetime, previous: datetime) -> datetime:
    return max(moment, previous + timedelta(minutes=30))


@dataclass(frozen=True)
class MediationDemo:
    rooms: int
    members: int
    cases: int
    already_loaded: bool


@dataclass
class Life:
    """One case walked through the lifecycle in memory."""

    case: MediationCase
    parties: list[Party] = field(default_factory=list)
    mediators: list[RoomMember] = field(default_factory=list)
    sessions: list[MediationSession] = field(default_factory=list)
    agreement: Agreement | None = None
    terms: list[tuple[AgreementTerm, int | None]] = field(default_factory=list)  # (term, index of its party)
    events: list[CaseEvent] = field(default_factory=list)

    def log(self, at: datetime, actor, action: str, to_state: str, note: str) -> None:
        from_state = "" if action == Action.REGISTER else self.case.state
        self.events.append(
            CaseEvent(at=at, actor=actor, action=action, from_state=from_state, to_state=to_state, note=note)
        )
        self.case.state = to_state


class DemoRooms:
    def __init__(self, town: Town, seed: int, today: date):
        self.town = town
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.centre = dispute_centre(town)
        staff = list(User.objects.filter(town=town).order_by("username"))
        self.mediator_users: dict[int, list[User]] = {}
        for user in staff:
            if user.role == Role.MEDIATOR:
                self.mediator_users.setdefault(user.village_id, []).append(user)
        self.clerks = [u for u in staff if u.role == Role.DESK_CLERK] or [None]

    # --- rooms --------------------------------------------------------------------------

    def staff_rooms(self, rooms: list[MediationRoom], year_start: date) -> int:
        rng = self.rng
        for room in rooms:
            room.address = room.address or f"{room.village.short_name}党群服务中心一楼"
            room.opening_hours = room.opening_hours or "周一至周五 8:30-17:30，节假日有人值守"
            room.phone = room.phone or f"0564-{rng.randint(3000000, 3999999)}"
        MediationRoom.objects.bulk_update(rooms, ["address", "opening_hours", "phone"])
        staffed = set(RoomMember.objects.filter(room__in=rooms).values_list("room_id", flat=True))
        members = []
        for room in rooms:
            if room.pk in staffed:
                continue
            users = self.mediator_users.get(room.village_id, [])
            size = rng.randint(5, 7)
            woman_at = rng.randrange(1, size)
            for i in range(size):
                user = users[i] if i < len(users) else None
                gender = Gender.FEMALE if i == woman_at or rng.random() < 0.2 else Gender.MALE
                kind = _pick(rng, MEMBER_KINDS)
                if user is not None:
                    name = user.full_name or user.username
                else:
                    name = self.fake.name_female() if gender == Gender.FEMALE else self.fake.name_male()
                members.append(
                    RoomMember(
                        room=room,
                        user=user,
                        name=name,
                        kind=MemberKind.RETIRED_CADRE if i == 0 else kind,
                        is_chair=i == 0,
                        gender=gender,
                        phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                        term_start=date(year_start.year - 1, 1, 1),
                        duty=CHAIR_DUTY if i == 0 else DUTIES[kind],
                        commitment=rng.choice(COMMITMENTS),
                        sort=i,
                    )
                )
        RoomMember.objects.bulk_create(members, batch_size=500)
        return len(members)

    # --- cases --------------------------------------------------------------------------

    def person(self, village_name: str, role: str, order: int) -> Party:
        rng = self.rng
        return Party(
            role=role,
            name=self.fake.name(),
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            address=f"{village_name}{rng.randint(1, 12)}组",
            order=order,
        )

    def life(self, room: MediationRoom, members: list[RoomMember], registered: datetime, petition=None) -> Life:
        rng = self.rng
        complex_case = petition is not None
        if complex_case:
            kind = PETITION_CATEGORY_KIND.get(petition.category.parent.code, DisputeKind.OTHER)
            source = Source.PETITION
            risk = rng.choice([RiskLevel.MEDIUM, RiskLevel.HIGH])
        else:
            kind, source, risk = _pick(rng, KINDS), _pick(rng, SOURCES), _pick(rng, RISKS)
        village_name = room.village.short_name
        parties = [
            self.person(village_name, PartyRole.APPLICANT, 0),
            self.person(village_name, PartyRole.RESPONDENT, 1),
        ]
        if rng.random() < 0.08:
            parties.append(self.person(village_name, PartyRole.RESPONDENT, 2))
        summary = petition.title if complex_case else rng.choice(SUMMARIES[kind])
        mediators = rng.sample(members, k=min(len(members), 3 if complex_case else rng.randint(1, 2)))
        actor = self._mediator_user(mediators, members)
        registrar = rng.choice(self.clerks) if complex_case else actor
        case = MediationCase(
            room=room,
            source=source,
            petition=petition,
            dispute_kind=kind,
            risk_level=risk,
            summary=summary,
            facts=f"{parties[0].name}与{parties[1].name}因{summary.removesuffix('纠纷')}发生争执，经{village_name}调解室受理。",
            mediators_chosen_by_parties=rng.random() < 0.1,
            invited_helpers="村民组长、双方亲属" if complex_case or rng.random() < 0.15 else "",
            registered_at=registered,
            registered_by=registrar,
        )
        life = Life(case=case, parties=parties, mediators=mediators)
        life.log(registered, registrar, Action.REGISTER, State.REGISTERED, f"登记（{case.get_source_display()}）")
        self._walk(life, actor, complex_case)
        return life

    def _mediator_user(self, mediators: list[RoomMember], members: list[RoomMember]):
        for member in [*mediators, *members]:
            if member.user_id is not None:
                return member.user
        return None

    def _walk(self, life: Life, actor, complex_case: bool) -> None:
        rng, case, today = self.rng, life.case, self.today
        day = case.registered_at.astimezone(TZ).date() + timedelta(days=rng.randint(0, 3))
        sessions = rng.randint(2, 4) if complex_case else rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
        last = case.registered_at
        for number in range(1, sessions + 1):
            if day > today:
                return
            held = _after(_at(day, rng), last)
            last = held
            life.sessions.append(
                MediationSession(
                    held_at=held,
                    place=f"{case.room.name}",
                    present="、".join([*(p.name for p in life.parties), *(m.name for m in life.mediators)]),
                    record=f"第{number}次调解：双方陈述事实和理由，调解员释法说理，做疏导工作。",
                    agreed="" if number < sessions else "双方同意按调解方案处理。",
                    recorded_by=actor,
                    recorded_at=held + timedelta(minutes=rng.randint(20, 90)),
                )
            )
            life.log(held, actor, Action.SESSION, State.IN_MEDIATION, f"第{number}次调解")
            day += timedelta(days=rng.randint(1, 6))
        outcome = _pick(rng, [("agreed", 92), ("partly", 4), ("failed", 4)] if complex_case else OUTCOMES)
        if outcome == "withdrawn" and rng.random() < 0.3:
            life.sessions.clear()  # refused before the first session
            case.state = State.REGISTERED
            life.events = life.events[:1]
        ended = _after(last + timedelta(minutes=rng.randint(30, 120)), last)
        if ended.astimezone(TZ).date() > today:
            return
        case.closed_at = ended
        if outcome in ("agreed", "partly"):
            self._agree(life, actor, ended, partial=outcome == "partly")
        elif outcome == "failed":
            case.outcome_note = "双方分歧较大，经多次调解未能达成一致。"
            life.log(ended, actor, Action.FAIL, State.FAILED, f"调解不成：{case.outcome_note}")
            self._hand_over(life, actor, ended)
        else:
            case.outcome_note = "一方当事人表示不愿继续调解，拟通过诉讼解决。"
            life.log(ended, actor, Action.WITHDRAW, State.WITHDRAWN, f"当事人终止调解：{case.outcome_note}")

    def _agree(self, life: Life, actor, signed: datetime, *, partial: bool) -> None:
        rng, case, today = self.rng, life.case, self.today
        signed_on = signed.astimezone(TZ).date()
        a, r = life.parties[0].name, life.parties[1].name
        chosen = rng.sample(TERMS[case.dispute_kind], k=min(len(TERMS[case.dispute_kind]), rng.randint(1, 2)))
        dues = []
        for order, template in enumerate(chosen):
            due = signed_on + timedelta(days=rng.choice([3, 7, 10, 15, 30]))
            dues.append(due)
            text = template.format(a=a, r=r, d=(due - signed_on).days)
            party_index = 1 if template.startswith("{r}") else 0 if template.startswith("{a}") else None
            term = AgreementTerm(text=text, due=due, order=order)
            if due < today:
                check_day = min(due + timedelta(days=rng.randint(1, 5)), today)
                term.checked_at = _at(check_day, rng)
                term.checked_by = actor
                term.performance = _pick(rng, [(Performance.DONE, 93), (Performance.LATE, 5), (Performance.BROKEN, 2)])
            life.terms.append((term, party_index))
        agreement = Agreement(
            facts=case.facts,
            terms="\n".join(f"{i}. {t.text}" for i, (t, _) in enumerate(life.terms, start=1)),
            unresolved="部分赔偿金额未达成一致，当事人可另行主张。" if partial else "",
            performance_method="当事人自行履行，调解员跟踪回访。",
            performance_deadline=max(dues),
            signed_at=signed,
            judicial_confirmation_due=clocks.confirmation_due(signed_on),
        )
        if rng.random() < 0.12:
            applied = signed_on + timedelta(days=rng.randint(2, 25))
            if applied <= today:
                agreement.court_result = CourtResult.PENDING
                agreement.court_applied_on = applied
                agreement.court_name = "六安市金安区人民法院"
                decided = applied + timedelta(days=rng.randint(5, 20))
                if decided <= today:
                    agreement.court_result = CourtResult.CONFIRMED if rng.random() < 0.95 else CourtResult.REFUSED
                    agreement.court_result_at = decided
        life.agreement = agreement
        case.outcome_note = agreement.unresolved
        state = State.PARTLY_AGREED if partial else State.AGREED
        label = "部分达成协议" if partial else "达成调解协议"
        life.log(signed, actor, Action.AGREE, state, f"{label}，{len(life.terms)}项，{max(dues).isoformat()}前履行")
        for term, _party in life.terms:
            if term.checked_at is not None:
                note = f"回访：{term.get_performance_display()}"
                life.log(max(term.checked_at, signed + timedelta(minutes=30)), actor, Action.FOLLOW_UP, state, note)
        if agreement.court_applied_on:
            at = _after(_at(agreement.court_applied_on, rng), signed)
            life.log(at, actor, Action.COURT_APPLY, state, "双方共同申请司法确认")
            if agreement.court_result_at:
                at = _after(_at(agreement.court_result_at, rng), at)
                life.log(at, actor, Action.COURT_RESULT, state, f"法院：{agreement.get_court_result_display()}")

    def _hand_over(self, life: Life, actor, failed: datetime) -> None:
        case = life.case
        day = failed.astimezone(TZ).date() + timedelta(days=self.rng.randint(0, 2))
        if day > self.today:
            return
        at = _after(_at(day, self.rng), failed)
        if case.petition is not None:
            case.handed_over_at = at
            life.log(at, actor, Action.RETURN_TO_DESK, State.RETURNED, "调解不成，退回信访窗口")
        elif self.centre is not None and self.rng.random() < 0.7:
            case.handed_over_at = at
            case.referred_to = self.centre
            life.log(at, actor, Action.REFER, State.REFERRED, f"移交{self.centre.name}")

    def flag_police(self, lives: list[Life], count: int) -> None:
        """A handful of high-risk disputes reported to the police at once (Art. 25)."""
        candidates = [life for life in lives if life.case.risk_level == RiskLevel.HIGH and life.case.petition is None]
        for life in self.rng.sample(candidates, k=min(count, len(candidates))):
            case = life.case
            # Reported within minutes of registration, before any session (those come 30+ minutes later).
            at = case.registered_at + timedelta(minutes=self.rng.randint(5, 25))
            case.police_flagged_at = at
            case.police_flagged_by = case.registered_by
            case.police_flag_reason = "一方情绪激动、扬言报复，可能引发治安案件，已报告派出所。"
            state = next(e.to_state for e in reversed(life.events) if e.at <= at)
            life.events.append(
                CaseEvent(
                    at=at,
                    actor=case.registered_by,
                    action=Action.FLAG_POLICE,
                    from_state=state,
                    to_state=state,
                    note=f"报告公安：{case.police_flag_reason}",
                )
            )
            life.events.sort(key=lambda e: e.at)


def _complex_petitions(town: Town, year_start: date, today: date, rng: random.Random, count: int):
    from petitions.models import Petition
    from petitions.states import Kind

    candidates = list(
        Petition.objects.filter(
            town=town,
            village__isnull=False,
            kind=Kind.GRIEVANCE,
            category__parent__code__in=list(PETITION_CATEGORY_KIND),
            registered_at__date__gte=year_start,
            registered_at__date__lte=today - timedelta(days=20),
        )
        .exclude(mediation_cases__isnull=False)
        .order_by("tracking_number")
        .values_list("pk", flat=True)
    )
    # A sample depends only on how many there are: draw ids, then load the chosen few (a big
    # demo has hundreds of thousands of candidates).
    chosen = rng.sample(candidates, k=min(count, len(candidates)))
    loaded = Petition.objects.select_related("category__parent", "village").in_bulk(chosen)
    return [loaded[pk] for pk in chosen]


@transaction.atomic
def seed_mediation(
    *, town: Town, year_start: date, today: date, seed: int, count: int = ARTICLE_CASES
) -> MediationDemo:
    """The 29 rooms with 5–7 members each (a chair, a woman), and `count` cases registered
    between `year_start` and `today`: most agreed, some failed or ended by a party, a handful
    reported to the police, and ~25 complex disputes sent from petitions. Safe to run again:
    a town that has mediation cases is left as it is."""
    rooms = rooms_ensure(town=town)
    if MediationCase.objects.filter(room__village__town=town).exists():
        return MediationDemo(rooms=len(rooms), members=0, cases=0, already_loaded=True)
    demo = DemoRooms(town, seed, today)
    rng = demo.rng
    rooms.sort(key=lambda room: room.village.code)
    members_added = demo.staff_rooms(rooms, year_start)
    members: dict[int, list[RoomMember]] = {}
    for member in (
        RoomMember.objects.filter(room__in=rooms).serving(today).select_related("user").order_by("sort", "pk")
    ):
        members.setdefault(member.room_id, []).append(member)
    petitions = _complex_petitions(town, year_start, today, rng, min(COMPLEX_FROM_PETITIONS, count))
    span = (today - year_start).days + 1
    plain = sorted(_at(year_start + timedelta(days=rng.randrange(span)), rng) for _ in range(count - len(petitions)))
    with translation.override("zh-hans"):  # the notes name sources and results in the desk's language
        lives = _lives(demo, rooms, members, petitions, plain)
    demo.flag_police(lives, POLICE_FLAGS)
    lives.sort(key=lambda life: life.case.registered_at)
    _write(town, lives)
    return MediationDemo(rooms=len(rooms), members=members_added, cases=len(lives), already_loaded=False)


def _lives(demo: DemoRooms, rooms, members, petitions, plain: list[datetime]) -> list[Life]:
    rng = demo.rng
    by_village = {room.village_id: room for room in rooms}
    weights = [3 if room.village.code in SEAT_VILLAGES else 1 for room in rooms]
    lives: list[Life] = []
    for registered in plain:
        room = rng.choices(rooms, weights=weights)[0]
        lives.append(demo.life(room, members[room.pk], registered))
    for petition in petitions:
        room = by_village[petition.village_id]
        day = petition.registered_at.astimezone(TZ).date() + timedelta(days=rng.randint(1, 5))
        registered = _after(_at(day, rng), petition.registered_at)
        lives.append(demo.life(room, members[room.pk], registered, petition=petition))
    return lives


def _write(town: Town, lives: list[Life]) -> None:
    """Everything in bulk: cases first (their ids), then what hangs off them."""
    counters: dict[int, int] = dict(MediationCounter.objects.filter(town=town).values_list("year", "last"))
    for life in lives:
        year = life.case.registered_at.astimezone(TZ).year
        counters[year] = counters.get(year, 0) + 1
        life.case.tracking_number = f"{town.tracking_prefix}-TJ-{year}-{counters[year]:06d}"
    MediationCase.objects.bulk_create([life.case for life in lives], batch_size=1000)
    parties, sessions, events, links, agreements = [], [], [], [], []
    through = MediationCase.mediators.through
    for life in lives:
        for row in (*life.parties, *life.sessions, *life.events):
            row.case = life.case
        parties.extend(life.parties)
        sessions.extend(life.sessions)
        events.extend(life.events)
        links.extend(through(mediationcase=life.case, roommember=m) for m in life.mediators)
        if life.agreement is not None:
            life.agreement.case = life.case
            agreements.append(life.agreement)
    Party.objects.bulk_create(parties, batch_size=2000)
    MediationSession.objects.bulk_create(sessions, batch_size=2000)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    through.objects.bulk_create(links, batch_size=2000)
    Agreement.objects.bulk_create(agreements, batch_size=1000)
    terms = []
    for life in lives:
        for term, party_index in life.terms:
            term.agreement = life.agreement
            term.party = life.parties[party_index] if party_index is not None else None
            terms.append(term)
    AgreementTerm.objects.bulk_create(terms, batch_size=2000)
    for year, last in counters.items():
        MediationCounter.objects.update_or_create(town=town, year=year, defaults={"last": last})
