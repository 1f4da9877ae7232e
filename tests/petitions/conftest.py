"""Fixtures for the petition rules, built on the personas of tests/conftest.py.

``units`` staffs the town's handling units; ``register`` logs a petition through the service;
``act`` runs any lifecycle action through its service with sensible arguments; ``walk`` brings
a petition to a given state the way the desk would; ``clock`` sets "now" for the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import workdays
from core.models import Role
from petitions import clocks, responsibility
from petitions import services as s
from petitions.models import Category, HandlingUnit, Petition
from petitions.states import Action, Channel, Kind, Outcome, Satisfaction, State
from tests.factories import UserFactory
from tests.images import png_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first_17: str) -> str:
    """A resident ID number with its ISO 7064 MOD 11-2 check character."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _ID_WEIGHTS, strict=True))
    return first_17 + "10X98765432"[total % 11]


VALID_ID = id_number("11010519491231002")  # 11010519491231002X
OTHER_ID = id_number("34150219800101123")
PHONE = "13812341234"
CURRENT = object()  # "use the petition's current version"
PNG_BYTES = png_bytes()


@pytest.fixture(autouse=True)
def fresh_caches():
    """A test's rollback sends no signal, so a TimeLimit or CalendarDay a test changed could
    otherwise stay cached for the next test."""
    clocks.clear_cache()
    workdays.clear_cache()
    yield
    clocks.clear_cache()
    workdays.clear_cache()


class Clock:
    """Sets what ``timezone.now()`` (and so ``timezone.localdate()``) returns."""

    def __init__(self):
        self._patcher = None
        self.now: datetime | None = None

    def set(self, day: date | datetime, hour: int = 10, minute: int = 0) -> datetime:
        moment = day if isinstance(day, datetime) else datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)
        assert moment.tzinfo is not None
        self.stop()
        self._patcher = mock.patch("django.utils.timezone.now", return_value=moment)
        self._patcher.start()
        self.now = moment
        return moment

    def stop(self) -> None:
        if self._patcher is not None:
            self._patcher.stop()
            self._patcher = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@dataclass
class Units:
    reception: HandlingUnit  # 信访接待中心: what the town accepts itself
    zongzhi: HandlingUnit  # 综治中心: handler is member and head
    discipline: HandlingUnit  # 镇纪委
    village_a: HandlingUnit
    village_b: HandlingUnit


@pytest.fixture
def units(town, village_a, village_b, desk_clerk, handler, village_agent_a, grid_worker_a) -> Units:
    by_name = {unit.name: unit for unit in s.units_ensure(town=town)}
    reception = by_name["信访接待中心"]
    reception.members.add(desk_clerk)
    zongzhi = by_name["综治中心"]
    zongzhi.members.add(handler)
    zongzhi.head = handler
    zongzhi.save(update_fields=["head"])
    unit_a = HandlingUnit.objects.get(village=village_a)
    unit_a.members.add(village_agent_a, grid_worker_a)
    return Units(
        reception=reception,
        zongzhi=zongzhi,
        discipline=by_name["镇纪委"],
        village_a=unit_a,
        village_b=HandlingUnit.objects.get(village=village_b),
    )


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(code="neighbours-boundary")


@pytest.fixture
def conduct(db) -> Category:
    """The category of accusations against cadres."""
    return Category.objects.get(code="conduct-style")


@pytest.fixture
def registration(town, desk_clerk, category, village_a, grid_a):
    """petition_register with sensible defaults; returns the service's Registered."""

    def _registration(**overrides) -> s.Registered:
        if overrides.get("anonymous") and "petitioners" not in overrides:
            overrides["petitioners"] = ()
        if "village" in overrides and "grid" not in overrides:
            overrides["grid"] = None
        kwargs = {
            "town": town,
            "actor": desk_clerk,
            "channel": Channel.WINDOW,
            "kind": Kind.GRIEVANCE,
            "category": category,
            "title": "邻居建房侵占地界",
            "content": "邻居新建院墙越过地界约半米，协商未果。",
            "request": "请求镇里调查并恢复原地界。",
            "village": village_a,
            "grid": grid_a,
            "petitioners": [s.PetitionerInput(name="刘芳", phone=PHONE, id_number=VALID_ID, village=village_a)],
        }
        kwargs.update(overrides)
        return s.petition_register(**kwargs)

    return _registration


@pytest.fixture
def register(registration):
    """Register a petition (village A, grid A, one petitioner) and return it."""

    def _register(**overrides) -> Petition:
        return registration(**overrides).petition

    return _register


@pytest.fixture
def accusation(register, conduct):
    """Register an accusation against a cadre of village A."""

    def _accusation(**overrides) -> Petition:
        overrides.setdefault("kind", Kind.ACCUSATION)
        overrides.setdefault("category", conduct)
        overrides.setdefault("title", "反映村干部违规收费")
        return register(**overrides)

    return _accusation


@pytest.fixture
def act(units, register):
    """Run one lifecycle action through its service, with valid arguments.

    ``to`` picks the outcome where an action has two (follow-up and rating: CLOSED or not);
    ``version`` defaults to the petition's current one; other keywords go to the service."""

    def _act(action: str, petition: Petition, actor, *, version=CURRENT, to: str | None = None, **kwargs) -> Petition:
        v = petition.version if version is CURRENT else version
        common = {"petition": petition, "actor": actor, "version": v}
        if action == Action.ACCEPT:
            return s.petition_accept(**common, **kwargs)
        if action == Action.ASSIGN:
            default = units.discipline if petition.kind == Kind.ACCUSATION else units.zongzhi
            kwargs.setdefault("unit", default)
            return s.petition_assign(**common, **kwargs)
        if action == Action.TRANSFER:
            kwargs.setdefault("destination", "六安市金安区人民法院")
            return s.petition_transfer(**common, **kwargs)
        if action == Action.REJECT:
            kwargs.setdefault("reason", "已经司法程序处理，依法不予受理。")
            return s.petition_reject(**common, **kwargs)
        if action == Action.OBJECT:
            kwargs.setdefault("reason", "土地权属不属于本单位职责。")
            return s.petition_object(**common, **kwargs)
        if action == Action.ESCALATE:
            kwargs.setdefault("reason", "涉及跨村土地权属，村里无法协调。")
            return s.petition_escalate(**common, **kwargs)
        if action == Action.NOTIFY:
            kwargs.setdefault("text", "已受理，将于60日内办结并书面答复。")
            return s.petition_notify(**common, **kwargs)
        if action == Action.EXTEND:
            kwargs.setdefault("days", 30)
            kwargs.setdefault("reason", "涉及多户，需测量地界。")
            return s.petition_extend(**common, **kwargs)
        if action == Action.REPLY:
            kwargs.setdefault("outcome", Outcome.SUPPORTED)
            kwargs.setdefault("text", "经实地测量，院墙越界，已协调拆除。")
            return s.petition_reply(**common, **kwargs)
        if action == Action.FOLLOW_UP:
            if to == State.HANDLING:
                kwargs.setdefault("satisfaction", Satisfaction.DISSATISFIED)
                kwargs.setdefault("unit_at_fault", True)
            kwargs.setdefault("satisfaction", Satisfaction.SATISFIED)
            return s.petition_follow_up(**common, **kwargs)
        if action == Action.RATE:
            satisfaction = Satisfaction.DISSATISFIED if to == State.REPLIED else Satisfaction.SATISFIED
            kwargs.setdefault("satisfaction", satisfaction)
            kwargs.setdefault("query_code", petition.query_code)
            return s.petition_rate(petition=petition, **kwargs)
        if action == Action.REQUEST_REVIEW:
            kwargs.setdefault("note", "对答复不服，请求复查。")
            return s.petition_request_review(**common, **kwargs)
        if action == Action.ANSWER_REVIEW:
            kwargs.setdefault("text", "经复查，维持原处理意见。")
            return s.petition_answer_review(**common, **kwargs)
        if action == Action.REQUEST_RE_REVIEW:
            kwargs.setdefault("note", "对复查意见不服，请求复核。")
            return s.petition_request_re_review(**common, **kwargs)
        if action == Action.ANSWER_RE_REVIEW:
            kwargs.setdefault("text", "经复核，维持复查意见。")
            return s.petition_answer_re_review(**common, **kwargs)
        if action == Action.NOTE:
            kwargs.setdefault("text", "已电话联系诉求人。")
            return s.petition_add_note(**common, **kwargs)
        if action == Action.ATTACH:
            kwargs.setdefault("files", [SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")])
            return s.petition_attach(**common, **kwargs)
        if action == Action.LINK_REPEAT:
            if "earlier" not in kwargs:
                kwargs["earlier"] = register(title="较早的同类诉求")
            return s.petition_link_repeat(**common, **kwargs)
        if action == Action.REFER_MEETING:
            kwargs.setdefault("note", "提交镇信访工作联席会议研究：跨村土地权属争议。")
            return s.petition_refer_to_meeting(**common, **kwargs)
        if action == Action.MEETING_DECISION:
            default = units.discipline if petition.kind == Kind.ACCUSATION else units.zongzhi
            kwargs.setdefault("unit", default)
            kwargs.setdefault("due", timezone.localdate() + timedelta(days=20))
            kwargs.setdefault("note", "联席会议决定：由综治中心牵头，20日内办结。")
            return s.petition_meeting_decide(**common, **kwargs)
        if action == Action.SET_RESPONSIBLE:
            if "leader" not in kwargs:
                kwargs["leader"] = UserFactory(role=Role.LEADER, town=petition.town, full_name="李副镇长")
            kwargs.setdefault("reason", "分管领导调整。")
            return responsibility.petition_set_responsible(**common, **kwargs)
        raise AssertionError(f"no driver for the action {action!r}: add one to tests/petitions/conftest.py")

    return _act


# How the desk brings a petition to each state: the steps after registration.
_TO_HANDLING = ["route"]
_TO_REPLIED = [*_TO_HANDLING, Action.NOTIFY, Action.REPLY]
_TO_CLOSED = [*_TO_REPLIED, Action.FOLLOW_UP]
_TO_UNDER_REVIEW = [*_TO_CLOSED, Action.REQUEST_REVIEW]
_TO_REVIEWED = [*_TO_UNDER_REVIEW, Action.ANSWER_REVIEW]
_TO_UNDER_RE_REVIEW = [*_TO_REVIEWED, Action.REQUEST_RE_REVIEW]
PATHS: dict[str, list[str]] = {
    State.REGISTERED: [],
    State.TRANSFERRED: [Action.TRANSFER],
    State.NOT_ACCEPTED: [Action.REJECT],
    State.HANDLING: _TO_HANDLING,
    State.REPLIED: _TO_REPLIED,
    State.CLOSED: _TO_CLOSED,
    State.UNDER_REVIEW: _TO_UNDER_REVIEW,
    State.UNDER_RE_REVIEW: _TO_UNDER_RE_REVIEW,
    State.FINAL: [*_TO_UNDER_RE_REVIEW, Action.ANSWER_RE_REVIEW],
}
ZONGZHI, VILLAGE, DIRECT = "zongzhi", "village", "direct"


@pytest.fixture
def walk(act, units, desk_clerk, handler, leader, inspector, village_agent_a):
    """Bring a petition from REGISTERED to ``state`` through the services.

    ``via``: assigned to 综治中心 (handled by ``handler``), to village A's unit (the village
    agent) or accepted by the town (the desk clerk). Accusations go to the discipline
    committee, and the inspector does every step. ``notified`` sends the written notice on
    the way to HANDLING; ``reviewed`` stops at CLOSED after an answered review."""

    def _walk(petition: Petition, state: str, *, via: str = ZONGZHI, notified: bool = False, reviewed: bool = False):
        steps = list(PATHS[state])
        if state == State.HANDLING and notified:
            steps.append(Action.NOTIFY)
        if state == State.CLOSED and reviewed:
            steps = list(_TO_REVIEWED)
        secret = petition.kind == Kind.ACCUSATION
        clerk = inspector if secret else desk_clerk
        chief = inspector if secret else leader
        worker = inspector if secret else {ZONGZHI: handler, VILLAGE: village_agent_a, DIRECT: desk_clerk}[via]
        actors = {
            Action.TRANSFER: clerk,
            Action.REJECT: clerk,
            Action.NOTIFY: worker,
            Action.REPLY: worker,
            Action.FOLLOW_UP: clerk,
            Action.REQUEST_REVIEW: clerk,
            Action.ANSWER_REVIEW: chief,
            Action.REQUEST_RE_REVIEW: clerk,
            Action.ANSWER_RE_REVIEW: chief,
        }
        for step in steps:
            if step != "route":
                petition = act(step, petition, actors[step])
            elif secret or via == ZONGZHI:
                petition = act(Action.ASSIGN, petition, clerk)
            elif via == VILLAGE:
                petition = act(Action.ASSIGN, petition, clerk, unit=units.village_a)
            else:
                petition = act(Action.ACCEPT, petition, clerk)
        assert petition.state == state
        return petition

    return _walk
