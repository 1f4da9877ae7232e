"""The world every door is tried against: the demo town (small), with one object of each kind
in village A's scope ("own", where grid_a, agent_a and mediator_a work) and in village B's
("other", grid_b's), plus an accusation ("secret") where a door takes a petition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accountability.models import AccountabilityRecord, AgendaItem, Decision, Meeting, Supervision
from core.models import Notification, User
from desk.demo import build_demo
from duty.models import LeaderOnDuty, ReceptionDay, StaffCard
from mediation.models import MediationRoom
from patrols.models import Patrol, Risk
from petitions import services as petition_services
from petitions.attachments import attachment_add
from petitions.models import Category, HandlingUnit, Petition
from petitions.states import Kind, Origin, State
from reports import services as report_services
from reports.models import ReportSnapshot
from tests.images import png_bytes

PERSONAS = [
    "anonymous",
    "clerk",
    "grid_a",
    "grid_b",
    "agent_a",
    "mediator_a",
    "handler",
    "leader",
    "inspector",
    "admin",
]
TODAY = date(2026, 11, 26)


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, dict[str, object]] = field(default_factory=dict)

    def get(self, kind: str, scope: str):
        return self.objects.get(kind, {}).get(scope)


def _petition(village, **filters):
    return (
        Petition.objects.filter(village=village, **filters)
        .exclude(kind=Kind.ACCUSATION)
        .order_by("registered_at")
        .first()
    )


def build_world() -> World:
    build_demo(seed=2026, petitions=80, today=TODAY)
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    village_a, village_b = users["grid_a"].village, users["grid_b"].village
    world = World(users=users)
    o = world.objects

    def both(kind, own, other, secret=None):
        o[kind] = {"own": own, "other": other}
        if secret is not None:
            o[kind]["secret"] = secret

    open_states = (State.HANDLING,)
    pa = _petition(village_a, state__in=open_states) or _petition(village_a)
    pb = _petition(village_b, state__in=open_states) or _petition(village_b)
    secret = Petition.objects.filter(kind=Kind.ACCUSATION).first()
    assert pa and pb and secret, "the demo must have petitions in both villages and an accusation"
    both("petition", pa, pb, secret)
    both("petitioner", pa.links.first(), pb.links.first(), secret.links.first())
    for p in (pa, pb, secret):
        if not p.attachments.exists():
            upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
            attachment_add(petition=p, upload=upload, uploaded_by=None, public=False)
    both("attachment", pa.attachments.first(), pb.attachments.first(), secret.attachments.first())
    assigned = {}
    for scope, village in (("own", village_a), ("other", village_b)):
        found = Petition.objects.filter(village=village, origin=Origin.ASSIGNED).exclude(upstream_reference="").first()
        if found is None:
            found = petition_services.petition_register(
                town=village.town,
                actor=users["clerk"],
                channel="platform",
                kind=Kind.GRIEVANCE,
                category=Category.objects.filter(parent__isnull=False).first(),
                title="上级交办",
                content="上级交办事项",
                origin=Origin.ASSIGNED,
                upstream_reference=f"SJ-2026-{scope}",
                village=village,
                anonymous=True,
            ).petition
        assigned[scope] = found
    both("assignment", assigned["own"], assigned["other"])
    both("risk", Risk.objects.filter(village=village_a).first(), Risk.objects.filter(village=village_b).first())
    both("patrol", Patrol.objects.filter(village=village_a).first(), Patrol.objects.filter(village=village_b).first())
    both("grid", users["grid_a"].grid, users["grid_b"].grid)
    both("unit", HandlingUnit.objects.get(village=village_a), HandlingUnit.objects.get(village=village_b))
    room_a, room_b = MediationRoom.objects.get(village=village_a), MediationRoom.objects.get(village=village_b)
    both("room", room_a, room_b)
    both("mediation_case", room_a.cases.first(), room_b.cases.first())
    both(
        "agreement_case",
        room_a.cases.filter(agreement__isnull=False).first(),
        room_b.cases.filter(agreement__isnull=False).first(),
    )
    meeting = Meeting.objects.order_by("date").first()
    o["meeting"] = {"own": meeting}
    o["item"] = {"own": AgendaItem.objects.order_by("meeting__date", "pk").first()}
    o["decision"] = {"own": Decision.objects.first()}
    o["supervision"] = {"own": Supervision.objects.exclude(petition__kind=Kind.ACCUSATION).first()}
    o["record"] = {"own": AccountabilityRecord.objects.first()}
    town = users["clerk"].town
    o["report"] = {
        "own": report_services.report_generate(
            kind=ReportSnapshot.Kind.MONTHLY_ANALYSIS, town=town, period_start=date(2026, 10, 1)
        )
    }
    o["duty"] = {"own": LeaderOnDuty.objects.first()}
    o["reception"] = {"own": ReceptionDay.objects.first()}
    o["card"] = {"own": StaffCard.objects.first()}
    both("village", village_a, village_b)
    o["notification"] = {"own": Notification.objects.create(recipient=users["leader"], title="测试")}
    o["category"] = {"own": Category.objects.filter(parent__isnull=False).first()}
    return world
