"""Grid patrols and the disputes and risks found on them."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from patrols import services
from patrols.models import Patrol, Risk
from petitions.errors import IllegalTransition, NotAllowed
from petitions.states import Channel, Origin, State


def patrol_data(grid, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "grid": grid.pk,
        "day": "2026-11-20",
        "route": "一组到三组",
        "residents_met": 12,
        "policy_explained": "土地承包政策",
        "findings": "三组有地界争议",
    }
    data.update(overrides)
    return data


def risk_data(grid, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "grid": grid.pk,
        "found_on": "2026-11-20",
        "kind": Risk.Kind.LAND,
        "level": Risk.Level.MEDIUM,
        "place": "三组村口",
        "parties": "张某与李某",
        "description": "两户因地界发生争吵",
    }
    data.update(overrides)
    return data


def test_grid_worker_logs_a_patrol_once_even_if_sent_twice(login, grid_worker_a, grid_a):
    client = login(grid_worker_a)
    data = patrol_data(grid_a)
    assert client.post(reverse("patrols:patrol_new"), data).status_code == 302
    assert client.post(reverse("patrols:patrol_new"), data).status_code == 302
    patrol = Patrol.objects.get()
    assert (patrol.worker, patrol.village, patrol.residents_met) == (grid_worker_a, grid_a.village, 12)


def test_patrol_in_another_villages_grid_is_refused(grid_worker_a, grid_b):
    with pytest.raises(NotAllowed):
        services.patrol_log(worker=grid_worker_a, grid=grid_b, day=date(2026, 11, 20), route="x")
    assert not Patrol.objects.exists()


def test_future_patrol_is_refused_with_a_message(login, grid_worker_a, grid_a):
    response = login(grid_worker_a).post(reverse("patrols:patrol_new"), patrol_data(grid_a, day="2099-01-01"))
    assert response.status_code == 200
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("persona", ["mediator_a", "desk_clerk", "handler"])
def test_only_village_staff_record_patrols(request, login, persona, town):
    assert login(request.getfixturevalue(persona)).get(reverse("patrols:patrol_new")).status_code == 403


def test_high_risk_alerts_the_village_and_the_town(
    login, grid_worker_a, village_agent_a, leader, desk_clerk, grid_worker_b, grid_a
):
    client = login(grid_worker_a)
    client.post(reverse("patrols:risk_new"), risk_data(grid_a, level=Risk.Level.HIGH))
    risk = Risk.objects.get()
    alerted = set(Notification.objects.values_list("recipient__username", flat=True))
    assert alerted == {"agent_a", "leader", "clerk"}  # not the reporter, not village B
    note = Notification.objects.get(recipient=leader)
    assert note.url == reverse("patrols:risk", args=[risk.pk]) and "东河口村" in note.title
    home = login(leader).get("/").content.decode()
    assert note.title in home


def test_low_risk_alerts_nobody(login, grid_worker_a, village_agent_a, leader, grid_a):
    login(grid_worker_a).post(reverse("patrols:risk_new"), risk_data(grid_a, level=Risk.Level.LOW))
    assert Risk.objects.count() == 1
    assert not Notification.objects.exists()


def test_replayed_risk_report_is_one_record_and_one_alert(grid_worker_a, village_agent_a, grid_a):
    token = uuid.uuid4()
    kwargs = {
        "reporter": grid_worker_a,
        "grid": grid_a,
        "found_on": date(2026, 11, 20),
        "kind": Risk.Kind.SAFETY,
        "level": Risk.Level.HIGH,
        "place": "桥头",
        "parties": "无",
        "description": "桥栏杆松动",
        "client_token": token,
    }
    first, created = services.risk_report(**kwargs)
    again, created_again = services.risk_report(**kwargs)
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Notification.objects.count() == 1


def test_risk_resolved_on_the_spot(login, grid_worker_a, grid_a):
    risk, _ = services.risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=date(2026, 11, 20),
        kind="neighbours",
        level="low",
        place="二组",
        parties="王某与赵某",
        description="晾衣绳占道",
    )
    client = login(grid_worker_a)
    client.post(reverse("patrols:risk_act", args=[risk.pk, "resolve"]), {"outcome": "当场调解，已挪开"})
    risk.refresh_from_db()
    assert (risk.state, risk.outcome) == (Risk.State.RESOLVED, "当场调解，已挪开")
    with pytest.raises(IllegalTransition):
        services.risk_resolve(risk=risk, actor=grid_worker_a, outcome="again")


def test_risk_becomes_a_petition_the_desk_sees(login, grid_worker_a, desk_clerk, grid_a):
    from petitions.services import units_ensure

    units_ensure(town=grid_a.village.town)
    risk, _ = services.risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=date(2026, 11, 20),
        kind="land",
        level="high",
        place="三组",
        parties="张某与李某",
        description="宅基地争议升级",
    )
    response = login(grid_worker_a).post(reverse("patrols:risk_act", args=[risk.pk, "petition"]))
    risk.refresh_from_db()
    petition = risk.petition
    assert response["Location"] == reverse("petitions:detail", args=[petition.tracking_number])
    assert (risk.state, petition.channel, petition.origin, petition.state) == (
        Risk.State.PETITION,
        Channel.GRID_PATROL,
        Origin.ESCALATED,
        State.REGISTERED,
    )
    assert petition.is_key_matter  # a high risk becomes a key matter
    queue = login(desk_clerk).get(reverse("petitions:list"), {"state": State.REGISTERED}).content.decode()
    assert petition.tracking_number in queue


def test_grid_worker_of_b_cannot_see_village_a_risks(login, grid_worker_a, grid_worker_b, grid_a):
    risk, _ = services.risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=date(2026, 11, 20),
        kind="other",
        level="low",
        place="x",
        parties="y",
        description="z",
    )
    client = login(grid_worker_b)
    assert client.get(reverse("patrols:risk", args=[risk.pk])).status_code == 404
    assert client.post(reverse("patrols:risk_act", args=[risk.pk, "resolve"]), {"outcome": "x"}).status_code == 404
    risk.refresh_from_db()
    assert risk.state == Risk.State.OPEN


def test_village_page_shows_the_week_and_skip_level_status(login, village_agent_a, grid_worker_a, grid_a, register):
    from petitions.services import units_ensure

    units_ensure(town=grid_a.village.town)
    services.patrol_log(worker=grid_worker_a, grid=grid_a, day=timezone.localdate(), route="全村巡查")
    petition = register()
    client = login(village_agent_a)
    html = client.get(reverse("patrols:village")).content.decode()
    assert petition.tracking_number in html and "全村巡查" in html
    assert "仍是“无越级访村”" in html
    register(flags=__import__("petitions.services", fromlist=["Flags"]).Flags(skip_level=True))
    html = client.get(reverse("patrols:village")).content.decode()
    assert "不再是“无越级访村”" in html


def test_village_page_query_count_is_pinned(login, grid_worker_a, grid_a, register, django_assert_num_queries):
    client = login(grid_worker_a)
    register()
    client.get(reverse("patrols:village"))
    # user (the session is cached), village, petitions, risks, patrols, skip-level count
    with django_assert_num_queries(6):
        client.get(reverse("patrols:village"))
    for _ in range(3):
        register(petitioners=[], anonymous=True)
    with django_assert_num_queries(6):
        client.get(reverse("patrols:village"))


def test_town_staff_pick_a_village(login, desk_clerk, village_a, village_b):
    client = login(desk_clerk)
    assert "东河口村" in client.get(reverse("patrols:village")).content.decode()
    assert client.get(reverse("patrols:village"), {"village": village_b.pk}).status_code == 200


def test_grid_worker_cannot_open_another_villages_view(login, grid_worker_a, village_b):
    response = login(grid_worker_a).get(reverse("patrols:village"), {"village": village_b.pk})
    assert response.status_code == 404


def test_risk_goes_to_the_village_mediation_room(login, grid_worker_a, grid_a):
    from mediation import services as mediation_services
    from mediation.models import MediationCase

    mediation_services.rooms_ensure(town=grid_a.village.town)
    risk, _ = services.risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=date(2026, 11, 20),
        kind="neighbours",
        level="medium",
        place="二组",
        parties="王某与赵某",
        description="排水沟纠纷",
    )
    client = login(grid_worker_a)
    page = client.get(reverse("patrols:risk", args=[risk.pk])).content.decode()
    assert 'value="王某"' in page and 'value="赵某"' in page  # the two sides, prefilled
    client.post(reverse("patrols:risk_act", args=[risk.pk, "mediation"]), {"applicant": "王某", "respondent": "赵某"})
    risk.refresh_from_db()
    case = MediationCase.objects.get()
    assert (risk.state, risk.mediation_case) == (Risk.State.MEDIATION, case)
    assert (case.source, case.room.village, case.dispute_kind) == ("patrol_risk", grid_a.village, "neighbours")
    assert sorted(case.parties.values_list("name", flat=True)) == ["王某", "赵某"]
    with pytest.raises(IllegalTransition):
        services.risk_to_mediation(risk=risk, actor=grid_worker_a, applicant="a", respondent="b")
    assert MediationCase.objects.count() == 1


def test_sending_to_mediation_needs_both_sides(grid_worker_a, grid_a):
    from mediation import services as mediation_services
    from petitions.errors import InvalidInput

    mediation_services.rooms_ensure(town=grid_a.village.town)
    risk, _ = services.risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=date(2026, 11, 20),
        kind="family",
        level="low",
        place="一组",
        parties="孙某",
        description="家庭矛盾",
    )
    with pytest.raises(InvalidInput):
        services.risk_to_mediation(risk=risk, actor=grid_worker_a, applicant="孙某", respondent=" ")
    risk.refresh_from_db()
    assert risk.state == Risk.State.OPEN
