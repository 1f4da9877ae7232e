"""The API's fixtures: the petition fixtures (units, register, walk, act, clock), an API
client per persona, and ``world``: one of everything the API shows, in village A."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accountability import services as acc
from accountability.models import AccountabilityRecord, Decision, Meeting, Supervision
from core.notifications import notifications_send
from petitions.models import Petition
from petitions.states import Origin, State
from reports.models import ReportSnapshot
from reports.services import report_generate
from tests.petitions.conftest import *  # noqa: F403


@pytest.fixture
def api():
    """An API client, signed in as ``user`` (anonymous without one)."""

    def _api(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


@dataclass
class World:
    registered: Petition
    handling: Petition
    replied: Petition
    assigned: Petition  # from above, with its upstream reference
    accusation: Petition
    meeting: Meeting
    decision: Decision
    supervision: Supervision
    record: AccountabilityRecord
    report: ReportSnapshot


@pytest.fixture
def world(town, units, register, walk, act, accusation, desk_clerk, leader, inspector, handler, village_b) -> World:
    registered = register()
    handling = walk(register(title="路灯不亮", petitioners=[], anonymous=True), State.HANDLING)
    replied = walk(register(title="低保申请", village=village_b, petitioners=[], anonymous=True), State.REPLIED)
    assigned = register(
        title="区平台交办：排水沟堵塞",
        origin=Origin.ASSIGNED,
        upstream_reference="LA-20261120-118",
        upstream_due=timezone.localdate() + timedelta(days=20),
    )
    secret = accusation()
    meeting = acc.meeting_plan(
        town=town, actor=desk_clerk, date=timezone.localdate() + timedelta(days=1), chair=leader, secretary=desk_clerk
    )
    item = acc.agenda_item_add(meeting=meeting, actor=desk_clerk, petition=handling, note="跨部门")
    acc.meeting_hold(meeting=meeting, actor=desk_clerk, minutes="研究路灯问题。")
    decision = acc.decision_record(
        item=item,
        actor=desk_clerk,
        resolution="由综治中心牵头，10日内修复。",
        unit=units.zongzhi,
        deadline=timezone.localdate() + timedelta(days=10),
        leader=leader,
    )
    supervision = acc.supervision_open(
        town=town,
        actor=inspector,
        reason="delay",
        description="超期未答复。",
        rectify_by=timezone.localdate() + timedelta(days=7),
        petition=Petition.objects.get(pk=handling.pk),
    )
    record = acc.accountability_record_add(
        town=town,
        actor=inspector,
        person=handler,
        form="reminder_talk",
        reason="答复超期。",
        decided_on=timezone.localdate(),
        petitions=[handling],
        supervision=supervision,
    )
    report = report_generate(kind=ReportSnapshot.Kind.WEEKLY_CIRCULAR, town=town, period_start=timezone.localdate())
    notifications_send(recipients=[desk_clerk], title="DHK 即将到期", body="请尽快办理。", url="/petitions/")
    return World(
        registered=registered,
        handling=Petition.objects.get(pk=handling.pk),
        replied=replied,
        assigned=assigned,
        accusation=secret,
        meeting=meeting,
        decision=decision,
        supervision=supervision,
        record=record,
        report=report,
    )
