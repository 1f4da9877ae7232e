"""A petition from the online mailbox to a closed, rated case, through real pages."""

import pytest

from core.models import Role
from petitions import services
from petitions.models import HandlingUnit, Petition
from petitions.states import State
from tests.factories import PASSWORD, GridFactory, TownFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(reference_data):
    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    GridFactory(village=village, number=1, name="第一网格")
    services.units_ensure(town=town)
    clerk = UserFactory(username="clerk", full_name="王丽", role=Role.DESK_CLERK, town=town)
    agent = UserFactory(username="agent_a", full_name="赵敏", role=Role.VILLAGE_AGENT, town=town, village=village)
    HandlingUnit.objects.get(name="信访接待中心").members.add(clerk)
    HandlingUnit.objects.get(village=village).members.add(agent)
    return town, village


def log_in(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return page


def test_mailbox_to_closed_and_rated(browser, live_server, desk, screenshot_dir):
    phone = {"width": 360, "height": 640}
    desktop = {"width": 1280, "height": 800}

    # A resident writes to the online mailbox from a phone.
    resident = browser.new_context(viewport=phone).new_page()
    resident.goto(live_server.url + "/mailbox/")
    resident.get_by_label("一句话概括").fill("村口路灯不亮")
    resident.get_by_label("具体情况").fill("村口路灯坏了一个月，晚上看不见路。")
    resident.get_by_label("诉求类别").select_option(label="道路与水利 / 电力通信")
    resident.get_by_label("村居").select_option(label="东河口村")
    resident.get_by_label("您的姓名").fill("陈静")
    resident.get_by_label("您的电话").fill("139 0000 1111")
    resident.get_by_role("button", name="提交").click()
    number = resident.locator("#tracking-number").inner_text()
    code = resident.locator("#query-code").inner_text()
    resident.screenshot(path=str(screenshot_dir / "mailbox-done-phone.png"), full_page=True)
    assert resident.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The desk clerk assigns it to the village.
    clerk = log_in(browser, live_server, "clerk", desktop)
    clerk.goto(live_server.url + "/petitions/")
    clerk.get_by_role("link", name=number).click()
    assign = clerk.locator("[data-action=assign]")
    assign.get_by_label("承办单位").select_option(label="东河口村委会")
    assign.get_by_role("button", name="交办承办单位").click()
    clerk.locator("[data-state=handling]").wait_for()
    assert clerk.locator("[data-state]").first.inner_text() == "办理中"
    clerk.screenshot(path=str(screenshot_dir / "case-assigned-desktop.png"), full_page=True)

    # The village agent replies, on a phone.
    agent = log_in(browser, live_server, "agent_a", phone)
    agent.goto(f"{live_server.url}/petitions/{number}/")
    reply = agent.locator("[data-action=reply]")
    reply.get_by_label("支持", exact=True).check()
    reply.get_by_label("答复意见：诉求、事实、处理意见及依据").fill("经查属实，已更换灯泡，路灯恢复照明。")
    reply.get_by_role("button", name="书面答复").click()
    agent.locator("[data-state=replied]").wait_for()
    assert agent.locator("[data-state]").first.inner_text() == "已答复"
    agent.screenshot(path=str(screenshot_dir / "case-replied-phone.png"), full_page=True)

    # The resident checks the status with the query code and rates the reply.
    resident.goto(live_server.url + "/status/")
    resident.get_by_label("诉求编号").fill(number)
    resident.get_by_label("查询码").fill(code)
    resident.get_by_role("button", name="查询").click()
    assert "已更换灯泡" in resident.locator("#reply").inner_text()
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    assert resident.get_by_text("感谢您的评价").is_visible()
    assert resident.locator("#status [data-state]").inner_text() == "已办结"
    resident.screenshot(path=str(screenshot_dir / "status-rated-phone.png"), full_page=True)

    petition = Petition.objects.get(tracking_number=number)
    assert (petition.state, petition.satisfaction) == (State.CLOSED, "satisfied")


def test_intake_of_a_repeat_petitioner_shows_the_earlier_case(browser, live_server, desk, screenshot_dir):
    town, village = desk
    from petitions.models import Category

    earlier = services.petition_register(
        town=town,
        actor=None,
        channel="hotline",
        kind="grievance",
        category=Category.objects.get(code="roads"),
        title="村组道路破损",
        content="路面坑洼",
        village=village,
        petitioners=[services.PetitionerInput(name="陈静", phone="13900001111")],
    ).petition
    clerk = log_in(browser, live_server, "clerk", {"width": 1280, "height": 800})
    clerk.goto(live_server.url + "/petitions/new/")
    clerk.locator("#id_p-0-phone").fill("13900001111")
    box = clerk.locator("#lookup")
    box.get_by_text(earlier.tracking_number).wait_for()
    box.get_by_role("button", name="标记为此件的重复访").click()
    assert clerk.locator("#id_repeat_of").input_value() == earlier.tracking_number
    clerk.screenshot(path=str(screenshot_dir / "intake-repeat-desktop.png"), full_page=True)

    clerk.locator("#id_p-0-name").fill("陈静")
    clerk.locator("#id_category").select_option(label="道路与水利 / 道路交通设施")
    clerk.locator("#id_village").select_option(label="东河口村")
    clerk.locator("#id_title").fill("道路仍未修复")
    clerk.locator("#id_content").fill("上次反映的道路至今未修。")
    clerk.keyboard.press("Control+Enter")
    clerk.wait_for_url("**/receipt/")
    repeat = Petition.objects.exclude(pk=earlier.pk).get()
    assert repeat.repeat_of_id == earlier.pk and repeat.is_repeat
    assert repeat.petitioners.get() == earlier.petitioners.get()
