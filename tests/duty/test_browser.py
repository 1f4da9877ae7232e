"""A desk clerk puts today's leader on duty from the month's roster with the keyboard; a
resident on a cheap phone then sees who is on duty, the reception days and the staff cards."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from core.models import Role
from duty import services
from tests.browser import conftest as browser_fixtures
from tests.factories import PASSWORD, TownFactory, UserFactory, VillageFactory

# The browser tests' fixtures: Chromium's launch and the screenshot folder (``reference_data``
# comes from tests/conftest.py).
browser_type_launch_args = browser_fixtures.browser_type_launch_args
screenshot_dir = browser_fixtures.screenshot_dir
close_connections = browser_fixtures._close_connections_opened_beside_playwright

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main button, main a.button, main summary, main select, main input:not([type=hidden]):not([type=checkbox])'))
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def desk(reference_data):
    town = TownFactory()
    VillageFactory(town=town, code="341502105201", name="东河口村委会")
    clerk = UserFactory(username="clerk", full_name="王丽", role=Role.DESK_CLERK, town=town)
    leader = UserFactory(username="leader", full_name="陈书记", role=Role.LEADER, town=town, title="镇党委书记")
    services.reception_add(
        town=town,
        actor=clerk,
        day=timezone.localdate() + timedelta(days=3),
        leader=leader,
        place="镇信访接待中心接访室",
        starts=time(8, 30),
        ends=time(11, 30),
        topic="土地承包",
    )
    services.card_add(
        town=town,
        actor=clerk,
        values={
            "name": "王丽",
            "post": "信访接待窗口",
            "identity": "party_member",
            "duty": "登记来访",
            "commitment": "件件有回音",
        },
    )
    return town, clerk, leader


def test_clerk_puts_a_leader_on_duty_and_the_public_page_shows_it(browser, live_server, desk, screenshot_dir):
    today = timezone.localdate().isoformat()
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    page.locator("[data-nav=roster]").click()
    page.wait_for_url(live_server.url + "/duty/")
    page.locator(f"[data-day='{today}'] [data-add-duty]").click()
    assert page.locator("input[name=day]").input_value() == today
    page.locator("select[name=leader]").select_option(label="陈书记 · 镇党委书记")
    page.locator("input[name=note]").fill("镇政府二楼值班室")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/duty/?month={today[:7]}")
    assert page.locator(f"[data-day='{today}'] [data-duty]").inner_text() == "陈书记"
    page.screenshot(path=str(screenshot_dir / "duty-roster-desk.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    page.goto(live_server.url + "/")
    on_duty = page.locator("[data-on-duty]").inner_text()
    assert "陈书记" in on_duty and "镇政府二楼值班室" in on_duty
    assert "镇信访接待中心接访室" in page.locator("[data-receptions]").inner_text()
    assert "东河口村" in page.locator("[data-title-villages]").inner_text()
    assert "件件有回音" in page.locator("[data-staff-cards]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path=str(screenshot_dir / "duty-public-phone.png"), full_page=True)
    phone.close()
