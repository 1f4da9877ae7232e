"""A person logs in and sees their desk, on a cheap phone and on a desktop screen."""

import pytest

from core.models import Role
from tests.factories import PASSWORD, GridFactory, TownFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 360, "height": 640}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def grid_worker(transactional_db):
    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    grid = GridFactory(village=village, number=1, name="第一网格")
    return UserFactory(
        username="grid_a", full_name="张强", role=Role.GRID_WORKER, town=town, village=village, grid=grid
    )


@pytest.mark.parametrize("size", VIEWPORTS)
def test_grid_worker_logs_in_and_sees_home(page, live_server, grid_worker, size, screenshot_dir):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(live_server.url + "/")
    assert "0551-62620110" in page.content()
    page.get_by_role("link", name="工作人员登录").click()

    page.get_by_label("用户名").fill("grid_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="您好，张强").is_visible()
    assert page.locator("[data-role=grid_worker]").inner_text() == "网格员"
    assert page.locator("[data-village='341502105201']").inner_text() == "东河口村"
    page.screenshot(path=str(screenshot_dir / f"home-grid-worker-{size}.png"), full_page=True)

    # Nothing scrolls sideways, and every link and button is big enough for a thumb.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button')]
              .filter(el => el.offsetParent !== null && !el.closest('.skip'))
              .filter(el => el.getBoundingClientRect().height < 44)
              .map(el => el.textContent.trim())"""
    )
    assert small == []

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="工作人员登录").is_visible()


def test_wrong_password_shows_a_chinese_error(page, live_server, grid_worker):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("grid_a")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("请输入一个正确的")
    assert page.get_by_label("用户名").input_value() == "grid_a"
