"""Petitioners, villages and grids, meetings, decisions, supervisions, accountability
records, reports and notifications: scoped by the same helpers as the pages, 404 outside."""

from __future__ import annotations

import pytest

from core.models import Notification
from petitions.models import RevealLog
from tests.petitions.conftest import PHONE, VALID_ID


def numbers(response) -> set:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row.get("id", row.get("code")) for row in rows}


# --- Petitioners --------------------------------------------------------------------------


def test_petitioners_are_masked_and_scoped(api, world, desk_clerk, grid_worker_b, mediator_a):
    person = world.registered.links.get().petitioner
    rows = api(desk_clerk).get("/api/v1/petitioners/").json()["results"]
    row = next(r for r in rows if r["id"] == person.pk)
    assert (row["name"], row["phone"]) == ("刘*", "138****1234")
    assert world.registered.tracking_number in row["petitions"]
    assert PHONE not in str(rows) and VALID_ID not in str(rows)
    assert api(grid_worker_b).get(f"/api/v1/petitioners/{person.pk}/").status_code == 404
    assert api(mediator_a).get("/api/v1/petitioners/").json()["results"] == []


def test_the_petitioners_of_an_accusation_stay_with_the_inspectors(api, world, desk_clerk, inspector):
    secret = world.accusation.links.get().petitioner_id
    clerk_rows = api(desk_clerk).get("/api/v1/petitioners/").json()["results"]
    assert all(world.accusation.tracking_number not in row["petitions"] for row in clerk_rows)
    inspector_row = api(inspector).get(f"/api/v1/petitioners/{secret}/").json()
    assert world.accusation.tracking_number in inspector_row["petitions"]


def test_reveal_needs_a_reason_and_is_logged(api, world, desk_clerk):
    petition = world.registered
    person = petition.links.get().petitioner
    url = f"/api/v1/petitions/{petition.tracking_number}/petitioners/{person.pk}/reveal/"
    client = api(desk_clerk)
    refused = client.post(url, {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    assert not RevealLog.objects.exists()
    shown = client.post(url, {"reason": "电话回访"}, format="json")
    assert shown.status_code == 200
    assert (shown.json()["phone"], shown.json()["id_number"]) == (PHONE, VALID_ID)
    log = RevealLog.objects.get()
    assert (log.user, log.petitioner, log.reason) == (desk_clerk, person, "电话回访")


def test_a_grid_worker_may_not_reveal(api, world, grid_worker_a):
    petition = world.registered
    person = petition.links.get().petitioner
    url = f"/api/v1/petitions/{petition.tracking_number}/petitioners/{person.pk}/reveal/"
    response = api(grid_worker_a).post(url, {"reason": "想看看"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    assert not RevealLog.objects.exists()


def test_reveal_of_a_person_not_on_the_petition_is_404(api, world, desk_clerk, register):
    from petitions.services import PetitionerInput

    other = register(petitioners=[PetitionerInput(name="张三", phone="13900001111")]).links.get().petitioner
    url = f"/api/v1/petitions/{world.registered.tracking_number}/petitioners/{other.pk}/reveal/"
    assert api(desk_clerk).post(url, {"reason": "x"}, format="json").status_code == 404


def test_the_petitioners_of_a_petition_are_masked(api, world, desk_clerk):
    rows = api(desk_clerk).get(f"/api/v1/petitions/{world.registered.tracking_number}/petitioners/").json()
    assert [(row["name"], row["phone"]) for row in rows] == [("刘*", "138****1234")]


# --- Villages and grids ---------------------------------------------------------------------


def test_villages_and_grids_per_persona(api, world, desk_clerk, grid_worker_a, village_a, village_b, grid_b):
    assert numbers(api(desk_clerk).get("/api/v1/villages/")) == {village_a.code, village_b.code}
    assert numbers(api(grid_worker_a).get("/api/v1/villages/")) == {village_a.code}
    assert api(grid_worker_a).get(f"/api/v1/villages/{village_b.code}/").status_code == 404
    detail = api(grid_worker_a).get(f"/api/v1/villages/{village_a.code}/").json()
    assert [grid["name"] for grid in detail["grids"]] == ["第一网格"]
    assert api(grid_worker_a).get(f"/api/v1/grids/{grid_b.pk}/").status_code == 404
    assert {row["village"] for row in api(desk_clerk).get("/api/v1/grids/", {"village": village_b.code}).json()} == {
        village_b.code
    }


# --- Meetings, decisions, supervisions, records -------------------------------------------------


def test_meetings_per_persona(api, world, desk_clerk, inspector, handler, grid_worker_a):
    meeting = world.meeting.pk
    assert numbers(api(desk_clerk).get("/api/v1/meetings/")) == {meeting}
    assert numbers(api(inspector).get("/api/v1/meetings/")) == {meeting}
    assert numbers(api(grid_worker_a).get("/api/v1/meetings/")) == set()
    assert api(handler).get(f"/api/v1/meetings/{meeting}/").status_code == 404
    detail = api(desk_clerk).get(f"/api/v1/meetings/{meeting}/").json()
    item = detail["items"][0]
    assert item["petition"] == world.handling.tracking_number
    assert item["decision"]["unit"] == "综治中心"
    assert detail["open_decisions"] == 1


def test_decisions_per_persona(api, world, desk_clerk, handler, grid_worker_a, leader):
    decision = world.decision.pk
    assert numbers(api(desk_clerk).get("/api/v1/decisions/")) == {decision}
    assert numbers(api(handler).get("/api/v1/decisions/")) == {decision}  # a member of the unit
    assert numbers(api(leader).get("/api/v1/decisions/", {"state": "done"})) == set()
    assert api(grid_worker_a).get(f"/api/v1/decisions/{decision}/").status_code == 404


def test_supervisions_per_persona_and_the_units_reply(api, world, inspector, handler, desk_clerk, leader):
    supervision = world.supervision.pk
    assert numbers(api(inspector).get("/api/v1/supervisions/")) == {supervision}
    assert numbers(api(leader).get("/api/v1/supervisions/")) == {supervision}
    assert numbers(api(desk_clerk).get("/api/v1/supervisions/")) == set()
    assert api(desk_clerk).post(f"/api/v1/supervisions/{supervision}/reply/", {"text": "x"}).status_code == 404
    url = f"/api/v1/supervisions/{supervision}/reply/"
    assert api(handler).post(url, {"text": " "}, format="json").status_code == 400
    replied = api(handler).post(url, {"text": "已整改"}, format="json")
    assert replied.status_code == 200
    assert (replied.json()["state"], replied.json()["reply"]) == ("replied", "已整改")
    assert api(handler).post(url, {"text": "再次"}, format="json").status_code == 409


def test_accountability_records_per_persona(api, world, inspector, leader, handler, desk_clerk):
    record = world.record.pk
    assert numbers(api(inspector).get("/api/v1/accountability-records/")) == {record}
    assert numbers(api(leader).get("/api/v1/accountability-records/")) == {record}
    assert numbers(api(desk_clerk).get("/api/v1/accountability-records/")) == set()
    assert api(handler).get(f"/api/v1/accountability-records/{record}/").status_code == 404
    row = api(inspector).get(f"/api/v1/accountability-records/{record}/").json()
    assert (row["person"], row["petitions"]) == ("钱办", [world.handling.tracking_number])


# --- Reports and notifications --------------------------------------------------------------------


def test_reports_per_persona(api, world, desk_clerk, grid_worker_a, mediator_a):
    report = world.report
    rows = api(grid_worker_a).get("/api/v1/reports/").json()["results"]
    assert [row["id"] for row in rows] == [report.pk] and "figures" not in rows[0]
    detail = api(desk_clerk).get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["figures"] == report.figures
    assert api(mediator_a).get("/api/v1/reports/").status_code == 403
    assert api(desk_clerk).get("/api/v1/reports/", {"kind": "monthly_analysis"}).json()["results"] == []


def test_notifications_are_the_users_own(api, world, desk_clerk, leader):
    mine = Notification.objects.filter(recipient=desk_clerk)
    theirs = Notification.objects.filter(recipient=leader).first()
    assert theirs is not None  # the report and the meeting decision told the leader
    assert numbers(api(desk_clerk).get("/api/v1/notifications/")) == set(mine.values_list("pk", flat=True))
    assert api(desk_clerk).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api(desk_clerk).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    note = mine.first()
    read = api(desk_clerk).post(f"/api/v1/notifications/{note.pk}/read/")
    assert read.status_code == 200 and read.json()["read"] is True
    unread = api(desk_clerk).get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert note.pk not in {row["id"] for row in unread}
    marked = api(leader).post("/api/v1/notifications/read-all/").json()["marked"]
    assert marked == Notification.objects.filter(recipient=leader).count()
    theirs.refresh_from_db()
    assert theirs.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitioners/",
        "/api/v1/villages/",
        "/api/v1/grids/",
        "/api/v1/meetings/",
        "/api/v1/decisions/",
        "/api/v1/supervisions/",
        "/api/v1/accountability-records/",
        "/api/v1/reports/",
        "/api/v1/notifications/",
        "/api/v1/assignments/",
    ],
)
def test_anonymous_callers_get_401_everywhere(api, url):
    response = api().get(url)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated", "message": response.json()["error"]["message"]}}
    assert response["WWW-Authenticate"] == 'Token realm="api"'
