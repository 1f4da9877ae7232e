"""The duty roster and the staff cards: the rules (one leader on duty a day, only town
leaders, receptions that end after they start and do not overlap), who may change them,
the pages, and the change log."""

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from duty import services
from duty.models import DutyLog, LeaderOnDuty, ReceptionDay, StaffCard
from petitions.errors import InvalidInput, NotAllowed
from tests.images import jpeg_with_location, png_bytes

DAY = date(2026, 11, 27)
EDITORS = {"desk_clerk", "administrator"}
READERS = {"desk_clerk", "leader", "administrator"}
PERSONAS = [
    "desk_clerk",
    "grid_worker_a",
    "village_agent_a",
    "mediator_a",
    "handler",
    "leader",
    "inspector",
    "administrator",
]


def _reception(town, actor, leader, **overrides):
    fields = {"day": DAY, "leader": leader, "place": "接访室", "starts": time(9), "ends": time(11, 30), "topic": ""}
    fields.update(overrides)
    return services.reception_add(town=town, actor=actor, **fields)


# --- Rules -------------------------------------------------------------------------------------


def test_a_clerk_puts_a_leader_on_duty_and_it_is_logged(town, desk_clerk, leader):
    duty = services.duty_add(town=town, actor=desk_clerk, day=DAY, leader=leader, note="值班室")
    assert LeaderOnDuty.objects.get() == duty
    log = DutyLog.objects.get()
    assert (log.action, log.actor, log.after["leader"]) == (DutyLog.Action.DUTY_ADD, desk_clerk, "陈书记")


def test_one_leader_on_duty_per_day(town, desk_clerk, leader, leader2):
    services.duty_add(town=town, actor=desk_clerk, day=DAY, leader=leader)
    with pytest.raises(InvalidInput, match="already has a leader on duty"):
        services.duty_add(town=town, actor=desk_clerk, day=DAY, leader=leader2)
    assert LeaderOnDuty.objects.get().leader == leader
    assert DutyLog.objects.count() == 1


@pytest.mark.parametrize("who", ["desk_clerk", "handler", "other_town_leader", "inactive"])
def test_the_leader_on_duty_must_be_an_active_town_leader(who, request, town, desk_clerk, leader):
    if who == "inactive":
        leader.is_active = False
        leader.save()
        person = leader
    else:
        person = request.getfixturevalue(who)
    with pytest.raises(InvalidInput, match="active town leader of this town"):
        services.duty_add(town=town, actor=desk_clerk, day=DAY, leader=person)
    assert not LeaderOnDuty.objects.exists() and not DutyLog.objects.exists()


def test_changing_and_removing_a_duty_day_is_logged(town, desk_clerk, leader, leader2):
    duty = services.duty_add(town=town, actor=desk_clerk, day=DAY, leader=leader)
    services.duty_change(duty=duty, actor=desk_clerk, leader=leader2)
    assert LeaderOnDuty.objects.get().leader == leader2
    with pytest.raises(InvalidInput):
        services.duty_change(duty=duty, actor=desk_clerk, leader=desk_clerk)
    services.duty_remove(duty=duty, actor=desk_clerk)
    assert not LeaderOnDuty.objects.exists()
    assert list(DutyLog.objects.order_by("id").values_list("action", flat=True)) == [
        DutyLog.Action.DUTY_ADD,
        DutyLog.Action.DUTY_CHANGE,
        DutyLog.Action.DUTY_REMOVE,
    ]
    change = DutyLog.objects.get(action=DutyLog.Action.DUTY_CHANGE)
    assert (change.before["leader"], change.after["leader"]) == ("陈书记", "李镇长")


@pytest.mark.parametrize("persona", ["leader", "inspector", "grid_worker_a", "handler"])
def test_only_clerks_and_admins_change_the_roster(persona, request, town, leader):
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        services.duty_add(town=town, actor=actor, day=DAY, leader=leader)
    with pytest.raises(NotAllowed):
        _reception(town, actor, leader)
    assert not LeaderOnDuty.objects.exists() and not ReceptionDay.objects.exists()


def test_a_clerk_of_another_town_cannot_change_this_one(town, leader):
    from tests.factories import TownFactory, UserFactory

    other = TownFactory(code="341502106", name="别的镇", tracking_prefix="BDZ")
    clerk = UserFactory(username="other_clerk", role="desk_clerk", town=other)
    with pytest.raises(NotAllowed):
        services.duty_add(town=town, actor=clerk, day=DAY, leader=leader)


def test_reception_days(town, desk_clerk, leader, leader2):
    r = _reception(town, desk_clerk, leader, topic="土地承包")
    assert (r.place, r.topic) == ("接访室", "土地承包")
    with pytest.raises(InvalidInput, match="ends after it starts"):
        _reception(town, desk_clerk, leader2, starts=time(11), ends=time(10))
    with pytest.raises(InvalidInput, match="already receives residents at that time"):
        _reception(town, desk_clerk, leader, starts=time(11), ends=time(12))
    with pytest.raises(InvalidInput, match="active town leader"):
        _reception(town, desk_clerk, desk_clerk)
    with pytest.raises(InvalidInput, match="Place: This field cannot be blank"):
        _reception(town, desk_clerk, leader2, place="  ")
    _reception(town, desk_clerk, leader2, starts=time(11), ends=time(12))  # another leader: fine
    _reception(town, desk_clerk, leader, starts=time(14), ends=time(16))  # later the same day: fine
    assert ReceptionDay.objects.count() == 3
    services.reception_change(
        reception=r, actor=desk_clerk, day=DAY, leader=leader, place="东河口村调解室", starts=time(9), ends=time(10)
    )
    r.refresh_from_db()
    assert (r.place, r.ends, r.topic) == ("东河口村调解室", time(10), "")
    services.reception_remove(reception=r, actor=desk_clerk)
    assert ReceptionDay.objects.count() == 2
    assert DutyLog.objects.filter(action__startswith="reception").count() == 5


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_and_changes_the_roster(persona, request, login, town, leader):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("duty:roster") + "?month=2026-11")
    assert response.status_code == (200 if persona in READERS else 403)
    if response.status_code == 200:
        assert ("data-add-duty" in response.content.decode()) == (persona in EDITORS)
    post = client.post(reverse("duty:duty_new"), {"day": "2026-11-27", "leader": leader.pk})
    assert post.status_code == (302 if persona in EDITORS else 403)
    assert LeaderOnDuty.objects.exists() == (persona in EDITORS)


def test_a_clerk_fills_the_roster_from_the_month_page(login, desk_clerk, leader, leader2):
    client = login(desk_clerk)
    page = client.get(reverse("duty:roster") + "?month=2026-11").content.decode()
    assert 'href="/duty/days/new/?day=2026-11-27"' in page
    form = client.get(reverse("duty:duty_new") + "?day=2026-11-27")
    assert form.context["form"].initial["day"] == DAY
    response = client.post(reverse("duty:duty_new"), {"day": "2026-11-27", "leader": leader.pk, "note": "值班室"})
    assert response.status_code == 302 and response["Location"] == "/duty/?month=2026-11"
    page = client.get(reverse("duty:roster") + "?month=2026-11").content.decode()
    row = page.split('data-day="2026-11-27"')[1].split("</tr>")[0]
    assert "陈书记" in row and "值班室" in row
    # the same day again: refused with the reason, nothing changed
    again = client.post(reverse("duty:duty_new"), {"day": "2026-11-27", "leader": leader2.pk})
    assert again.status_code == 200
    assert "already has a leader on duty" in again.content.decode()
    assert LeaderOnDuty.objects.get().leader == leader
    # a desk clerk is not a leader: not even offered
    wrong = client.post(reverse("duty:duty_new"), {"day": "2026-11-28", "leader": desk_clerk.pk})
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()
    # change, then remove
    duty = LeaderOnDuty.objects.get()
    client.post(reverse("duty:duty_edit", args=[duty.pk]), {"day": "2026-11-01", "leader": leader2.pk})
    duty.refresh_from_db()
    assert (duty.day, duty.leader) == (DAY, leader2)  # the day of an entry stays
    client.post(reverse("duty:duty_remove", args=[duty.pk]))  # not confirmed: kept
    assert LeaderOnDuty.objects.exists()
    assert client.post(reverse("duty:duty_remove", args=[duty.pk]), {"confirm": "yes"}).status_code == 302
    assert not LeaderOnDuty.objects.exists()


def test_a_clerk_adds_a_reception_day(login, desk_clerk, leader):
    client = login(desk_clerk)
    data = {
        "day": "2026-11-25",
        "leader": leader.pk,
        "starts": "09:00",
        "ends": "08:00",
        "place": "接访室",
        "topic": "",
    }
    bad = client.post(reverse("duty:reception_new"), data)
    assert bad.status_code == 200 and "ends after it starts" in bad.content.decode()
    assert not ReceptionDay.objects.exists()
    data["ends"] = "11:30"
    assert client.post(reverse("duty:reception_new"), data).status_code == 302
    r = ReceptionDay.objects.get()
    page = client.get(reverse("duty:roster") + "?month=2026-11").content.decode()
    assert f'data-reception="{r.pk}"' in page.split('data-day="2026-11-25"')[1].split("</tr>")[0]
    # the next one is offered the same place
    assert client.get(reverse("duty:reception_new")).context["form"].initial["place"] == "接访室"
    edit = client.get(reverse("duty:reception_edit", args=[r.pk])).content.decode()
    assert 'name="confirm"' in edit and 'value="2026-11-25"' in edit
    client.post(reverse("duty:reception_remove", args=[r.pk]), {"confirm": "yes"})
    assert not ReceptionDay.objects.exists()


def test_a_bad_month_falls_back_with_a_message(login, leader, town):
    response = login(leader).get(reverse("duty:roster") + "?month=2026-13")
    assert response.status_code == 200 and "That month cannot be shown" in response.content.decode()


def test_another_towns_roster_entry_is_404(login, desk_clerk, other_town_leader):
    duty = LeaderOnDuty.objects.create(town=other_town_leader.town, day=DAY, leader=other_town_leader)
    client = login(desk_clerk)
    assert client.get(reverse("duty:duty_edit", args=[duty.pk])).status_code == 404
    assert client.post(reverse("duty:duty_remove", args=[duty.pk]), {"confirm": "yes"}).status_code == 404
    assert LeaderOnDuty.objects.exists()


def test_roster_query_count_is_pinned(login, desk_clerk, town, leader, leader2, django_assert_num_queries):
    client = login(desk_clerk)
    url = reverse("duty:roster") + "?month=2026-11"
    client.get(url)
    # user (the session is cached) with town, duty days, reception days, staff cards, leaders (to fill the month)
    with django_assert_num_queries(5):
        client.get(url)
    for n in range(1, 20):
        services.duty_add(town=town, actor=desk_clerk, day=date(2026, 11, n), leader=leader if n % 2 else leader2)
        _reception(town, desk_clerk, leader, day=date(2026, 11, n))
        services.card_add(
            town=town,
            actor=desk_clerk,
            values={"name": f"人{n}", "post": "窗口", "identity": "party_member", "duty": "接待", "commitment": "热情"},
        )
    with django_assert_num_queries(5):
        client.get(url)


# --- Staff cards -------------------------------------------------------------------------------


def _card_data(**overrides):
    data = {
        "name": "王丽",
        "post": "信访接待窗口",
        "identity": "party_member",
        "duty": "登记来访",
        "commitment": "件件有回音",
        "sort": "10",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_a_clerk_adds_a_card_with_a_photo_without_its_location(login, desk_clerk, resident, town):
    client = login(desk_clerk)
    photo = SimpleUploadedFile("me.jpg", jpeg_with_location(), content_type="image/jpeg")
    response = client.post(reverse("duty:card_new"), {**_card_data(), "photo": photo})
    assert response.status_code == 302
    card = StaffCard.objects.get()
    assert card.photo_type == "image/jpeg"
    client.logout()
    served = resident.get(reverse("duty:card_photo", args=[card.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    with Image.open(card.photo.open("rb")) as image:
        assert not image.getexif()
    assert DutyLog.objects.get().action == DutyLog.Action.CARD_ADD


def test_a_card_photo_must_be_a_photo(login, desk_clerk, town):
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    response = login(desk_clerk).post(reverse("duty:card_new"), {**_card_data(), "photo": fake})
    assert response.status_code == 200 and "Only photos" in response.content.decode()
    assert not StaffCard.objects.exists()


def test_a_hidden_card_and_its_photo_are_not_public(login, desk_clerk, resident, town):
    card = services.card_add(
        town=town,
        actor=desk_clerk,
        values={**_card_data(), "active": False, "sort": 1},
        photo=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
    )
    assert resident.get(reverse("duty:card_photo", args=[card.pk])).status_code == 404
    assert "王丽" not in resident.get("/").content.decode()
    assert login(desk_clerk).get(reverse("duty:card_photo", args=[card.pk])).status_code == 200


def test_a_card_is_changed_and_removed(login, desk_clerk, town):
    card = services.card_add(town=town, actor=desk_clerk, values={**_card_data(), "sort": 1, "active": True})
    client = login(desk_clerk)
    response = client.post(reverse("duty:card_edit", args=[card.pk]), _card_data(commitment="随时接访"))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.commitment == "随时接访"
    missing = client.post(reverse("duty:card_edit", args=[card.pk]), _card_data(duty=""))
    assert missing.status_code == 200
    card.refresh_from_db()
    assert card.duty == "登记来访"
    client.post(reverse("duty:card_remove", args=[card.pk]))
    assert StaffCard.objects.exists()  # not confirmed
    client.post(reverse("duty:card_remove", args=[card.pk]), {"confirm": "yes"})
    assert not StaffCard.objects.exists()


def test_a_clerk_fills_the_empty_days_of_a_month_in_turn(login, desk_clerk, leader, leader2, town):
    services.duty_add(town=town, actor=desk_clerk, day=date(2026, 2, 3), leader=leader)
    client = login(desk_clerk)
    page = client.get(reverse("duty:roster") + "?month=2026-02").content.decode()
    assert "data-fill-month" in page
    response = client.post(reverse("duty:duty_fill"), {"month": "2026-02-01", "leaders": [leader.pk, leader2.pk]})
    assert response["Location"] == "/duty/?month=2026-02"
    days = dict(LeaderOnDuty.objects.values_list("day", "leader"))
    assert len(days) == 28
    assert days[date(2026, 2, 3)] == leader.pk  # kept
    assert (days[date(2026, 2, 1)], days[date(2026, 2, 2)], days[date(2026, 2, 4)]) == (
        leader.pk,
        leader2.pk,
        leader.pk,
    )
    assert DutyLog.objects.filter(action=DutyLog.Action.DUTY_ADD).count() == 28
    # again: nothing left to fill
    client.post(reverse("duty:duty_fill"), {"month": "2026-02-01", "leaders": [leader2.pk]})
    assert LeaderOnDuty.objects.count() == 28


def test_filling_needs_a_leader_and_the_right_role(login, desk_clerk, leader, town):
    client = login(desk_clerk)
    client.post(reverse("duty:duty_fill"), {"month": "2026-02-01"})
    client.post(reverse("duty:duty_fill"), {"month": "2026-02-01", "leaders": [desk_clerk.pk]})
    assert not LeaderOnDuty.objects.exists()
    assert (
        login(leader).post(reverse("duty:duty_fill"), {"month": "2026-02-01", "leaders": [leader.pk]}).status_code
        == 403
    )
    assert "data-fill-month" not in login(leader).get(reverse("duty:roster")).content.decode()
