"""Fixtures for the mediation rooms, built on the personas of tests/conftest.py.

``rooms`` gives village A and village B their rooms; ``members_a`` staffs room A (the chair
is ``mediator_a``); ``new_case`` registers a walk-in dispute in room A; ``act`` runs any
lifecycle action through its service; ``walk`` brings a case to a given state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from mediation import services as s
from mediation.models import Agreement, AgreementTerm, MediationCase, MediationRoom, RoomMember
from mediation.states import (
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
from tests.petitions import conftest as petition_fixtures
from tests.petitions.conftest import OTHER_ID, PHONE, VALID_ID

# The petition tests' fixtures, shared: the town's handling units, a registered petition, the clock.
category = petition_fixtures.category
clock = petition_fixtures.clock
fresh_caches = petition_fixtures.fresh_caches
register = petition_fixtures.register
registration = petition_fixtures.registration
units = petition_fixtures.units

CURRENT = object()  # "use the case's current version"
APPLICANT = "刘芳"
RESPONDENT = "欧阳建国"


@dataclass
class Rooms:
    a: MediationRoom
    b: MediationRoom


@pytest.fixture
def rooms(town, village_a, village_b) -> Rooms:
    by_village = {room.village_id: room for room in s.rooms_ensure(town=town)}
    return Rooms(a=by_village[village_a.pk], b=by_village[village_b.pk])


def add_member(room, name, *, kind=MemberKind.GROUP_LEADER, gender=Gender.MALE, **extra) -> RoomMember:
    return RoomMember.objects.create(room=room, name=name, kind=kind, gender=gender, **extra)


@pytest.fixture
def members_a(rooms, mediator_a) -> list[RoomMember]:
    """Room A: a chair (mediator_a's account), a woman legal worker, an old party member."""
    return [
        add_member(
            rooms.a,
            "孙德",
            kind=MemberKind.RETIRED_CADRE,
            is_chair=True,
            user=mediator_a,
            phone="13912345678",
            duty="主持调解室日常工作",
            commitment="随时接待、公正调解",
        ),
        add_member(rooms.a, "王秀兰", kind=MemberKind.LEGAL_WORKER, gender=Gender.FEMALE),
        add_member(rooms.a, "李长青", kind=MemberKind.PARTY_VETERAN),
    ]


@pytest.fixture
def members_b(rooms) -> list[RoomMember]:
    return [
        add_member(rooms.b, "陈主任", is_chair=True),
        add_member(rooms.b, "周梅", gender=Gender.FEMALE),
        add_member(rooms.b, "吴伯", kind=MemberKind.RESPECTED_LOCAL),
    ]


def parties() -> list[s.PartyInput]:
    return [
        s.PartyInput(name=APPLICANT, role=PartyRole.APPLICANT, phone=PHONE, id_number=VALID_ID, address="东河口村3组"),
        s.PartyInput(name=RESPONDENT, role=PartyRole.RESPONDENT, phone="13600001111", id_number=OTHER_ID),
    ]


@pytest.fixture
def new_case(rooms, members_a, mediator_a):
    """Register a walk-in neighbours' dispute in room A (by its chair) and return it."""

    def _new_case(**overrides) -> MediationCase:
        kwargs = {
            "room": rooms.a,
            "actor": mediator_a,
            "source": Source.WALK_IN,
            "dispute_kind": DisputeKind.NEIGHBOURS,
            "risk_level": RiskLevel.MEDIUM,
            "summary": "院墙越界引发邻里纠纷",
            "facts": "欧阳建国新建院墙越过地界约半米，双方多次争吵。",
            "parties": parties(),
            "mediators": members_a[:2],
        }
        kwargs.update(overrides)
        return s.mediation_case_register(**kwargs)

    return _new_case


TERMS_TEXT = ["欧阳建国于十日内拆除越界院墙", "刘芳补偿欧阳建国砌墙材料费800元"]


@pytest.fixture
def act(members_a):
    """Run one lifecycle action through its service with valid arguments; returns the case."""

    def _act(action: str, case: MediationCase, actor, *, version=CURRENT, to: str | None = None, **kwargs):
        v = case.version if version is CURRENT else version
        common = {"case": case, "actor": actor, "version": v}
        now = timezone.now()
        if action == "assign":
            kwargs.setdefault("mediators", members_a[:1])
            return s.mediation_case_assign(**common, **kwargs)
        if action == "session":
            kwargs.setdefault("held_at", now)
            kwargs.setdefault("present", "刘芳、欧阳建国、调解员孙德、王秀兰")
            kwargs.setdefault("record", "双方陈述地界争议，调解员释明相关法律。")
            return s.mediation_session_record(**common, **kwargs).case
        if action == "agree":
            parties_ = list(case.parties.all())
            kwargs.setdefault(
                "terms",
                [
                    s.TermInput(
                        text=TERMS_TEXT[0], due=timezone.localdate(now) + timedelta(days=10), party=parties_[1]
                    ),
                    s.TermInput(
                        text=TERMS_TEXT[1], due=timezone.localdate(now) + timedelta(days=10), party=parties_[0]
                    ),
                ],
            )
            kwargs.setdefault("facts", "双方因院墙地界发生争执。")
            kwargs.setdefault("performance_method", "现场拆除，调解员到场见证；现金当面支付。")
            kwargs.setdefault("performance_deadline", timezone.localdate(now) + timedelta(days=10))
            if to == State.PARTLY_AGREED:
                kwargs.setdefault("partial", True)
                kwargs.setdefault("unresolved", "误工费争议未达成一致。")
            return s.mediation_case_agree(**common, **kwargs).case
        if action == "fail":
            kwargs.setdefault("reason", "双方对地界各执一词，无法达成一致。")
            return s.mediation_case_fail(**common, **kwargs)
        if action == "withdraw":
            kwargs.setdefault("reason", "被申请人拒绝继续调解。")
            return s.mediation_case_withdraw(**common, **kwargs)
        if action == "return_to_desk":
            return s.mediation_case_return_to_desk(**common, **kwargs)
        if action == "refer":
            return s.mediation_case_refer(**common, **kwargs)
        if action == "flag_police":
            kwargs.setdefault("reason", "一方扬言报复，可能引发治安案件。")
            return s.mediation_case_flag_police(**common, **kwargs)
        if action == "follow_up":
            agreement = Agreement.objects.filter(case=case).first()
            term = agreement.items.first() if agreement else AgreementTerm(text="-")
            kwargs.setdefault("performance", Performance.DONE)
            s.mediation_term_follow_up(**common, term=term, **kwargs)
            return MediationCase.objects.get(pk=case.pk)
        if action == "court_apply":
            kwargs.setdefault("applied_on", timezone.localdate(now))
            return s.mediation_court_apply(**common, **kwargs).case
        if action == "court_result":
            kwargs.setdefault("result", CourtResult.CONFIRMED)
            kwargs.setdefault("decided_on", timezone.localdate(now))
            return s.mediation_court_result(**common, **kwargs).case
        if action == "note":
            kwargs.setdefault("text", "已电话联系双方。")
            return s.mediation_case_add_note(**common, **kwargs)
        raise AssertionError(f"no driver for the action {action!r}: add one to tests/mediation/conftest.py")

    return _act


PATHS: dict[str, list[tuple[str, str | None]]] = {
    State.REGISTERED: [],
    State.IN_MEDIATION: [("session", None)],
    State.AGREED: [("session", None), ("agree", State.AGREED)],
    State.PARTLY_AGREED: [("session", None), ("agree", State.PARTLY_AGREED)],
    State.FAILED: [("session", None), ("fail", None)],
    State.WITHDRAWN: [("withdraw", None)],
    State.RETURNED: [("session", None), ("fail", None), ("return_to_desk", None)],
    State.REFERRED: [("session", None), ("fail", None), ("refer", None)],
}


@pytest.fixture
def petition_case(new_case, register, desk_clerk, units):
    """A dispute the desk clerk sends from a petition (village A) to room A."""

    def _petition_case(**overrides) -> MediationCase:
        petition = overrides.pop("petition", None) or register()
        overrides.setdefault("actor", desk_clerk)
        return new_case(source=Source.PETITION, petition=petition, **overrides)

    return _petition_case


@pytest.fixture
def walk(act, mediator_a):
    """Bring a case from REGISTERED to ``state`` through the services, as room A's chair."""

    def _walk(case: MediationCase, state: str) -> MediationCase:
        for action, to in PATHS[state]:
            case = act(action, case, mediator_a, to=to)
        assert case.state == state
        return case

    return _walk


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
