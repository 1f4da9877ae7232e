"""The public page's duty board: today's leader on duty, the coming reception days, the
contacts, this year's no-skip-level villages and the staff cards — no login, few queries."""

from datetime import date, time

from duty import services
from petitions.services import Flags

TODAY = date(2026, 11, 26)


def _board(town, desk_clerk, leader, leader2):
    services.duty_add(town=town, actor=desk_clerk, day=TODAY, leader=leader2, note="镇政府二楼值班室")
    services.duty_add(town=town, actor=desk_clerk, day=date(2026, 11, 27), leader=leader)
    for day, who, place in [
        (date(2026, 11, 25), leader, "昨天的地点"),  # past: not shown
        (date(2026, 12, 2), leader, "镇信访接待中心"),
        (date(2026, 12, 11), leader2, "东河口村睦邻调解室"),
        (date(2027, 3, 1), leader, "太远的地点"),  # beyond the next 60 days
    ]:
        services.reception_add(
            town=town, actor=desk_clerk, day=day, leader=who, place=place, starts=time(8, 30), ends=time(11, 30)
        )
    services.card_add(
        town=town,
        actor=desk_clerk,
        values={
            "name": "王丽",
            "post": "信访接待窗口",
            "identity": "party_member",
            "duty": "登记来访",
            "commitment": "件件有回音",
        },
    )


def test_the_public_page_shows_who_is_on_duty_today(
    clock, resident, town, desk_clerk, leader, leader2, village_a, village_b, register
):
    clock.set(TODAY)
    _board(town, desk_clerk, leader, leader2)
    register(title="越级", village=village_b, flags=Flags(skip_level=True))
    html = resident.get("/").content.decode()
    today = html.split("data-on-duty")[1].split("</article>")[0]
    assert "李镇长" in today and "镇长" in today and "镇政府二楼值班室" in today and "陈书记" not in today
    receptions = html.split("data-receptions")[1].split("</article>")[0]
    assert "镇信访接待中心" in receptions and "东河口村睦邻调解室" in receptions
    assert "昨天的地点" not in receptions and "太远的地点" not in receptions
    assert receptions.index("镇信访接待中心") < receptions.index("东河口村睦邻调解室")
    titles = html.split("data-title-villages")[1].split("</section>")[0]
    assert "东河口村" in titles and "长岭村" not in titles
    cards = html.split("data-staff-cards")[1]
    assert "王丽" in cards and "Communist Party member" in cards and "件件有回音" in cards
    for contact in (town.hotline, town.report_phone, town.report_email):
        assert contact in html


def test_tomorrow_the_next_leader_is_on_duty(clock, resident, town, desk_clerk, leader, leader2):
    clock.set(TODAY)
    _board(town, desk_clerk, leader, leader2)
    clock.set(date(2026, 11, 27))
    today = resident.get("/").content.decode().split("data-on-duty")[1].split("</article>")[0]
    assert "陈书记" in today and "李镇长" not in today


def test_a_day_without_a_leader_on_duty_says_so(clock, resident, town):
    clock.set(TODAY)
    today = resident.get("/").content.decode().split("data-on-duty")[1].split("</article>")[0]
    assert "No leader on duty is entered for today" in today


def test_the_public_page_query_count_does_not_grow(
    clock, resident, town, desk_clerk, leader, leader2, village_a, village_b, django_assert_num_queries
):
    clock.set(TODAY)
    # town, today's leader on duty, reception days, no-skip-level villages, staff cards
    with django_assert_num_queries(5):
        resident.get("/")
    _board(town, desk_clerk, leader, leader2)
    for n in range(5):
        services.card_add(
            town=town,
            actor=desk_clerk,
            values={"name": f"人{n}", "post": "窗口", "identity": "non_party", "duty": "接待", "commitment": "热情"},
        )
    with django_assert_num_queries(5):
        resident.get("/")
