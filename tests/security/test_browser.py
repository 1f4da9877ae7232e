"""In Chromium: the pages run under the Content-Security-Policy without a single
violation, and a leader turns on two-step login by reading the page as a person would."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Role
from tests.browser.conftest import (  # the browser tests' Chromium set-up, shared
    _close_connections_opened_beside_playwright,
    browser_type_launch_args,
    screenshot_dir,
)
from tests.factories import PASSWORD, GridFactory, TownFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["_close_connections_opened_beside_playwright", "browser_type_launch_args", "screenshot_dir"]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def staff(reference_data):
    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    grid = GridFactory(village=village, number=1, name="第一网格")
    password = make_password(PASSWORD)
    return {
        "clerk": UserFactory(username="clerk", role=Role.DESK_CLERK, town=town, password=password),
        "leader": UserFactory(username="leader", full_name="陈书记", role=Role.LEADER, town=town, password=password),
        "grid": UserFactory(
            username="grid_a", role=Role.GRID_WORKER, town=town, village=village, grid=grid, password=password
        ),
    }


@pytest.fixture
def violations(page):
    """Every CSP complaint Chromium reports while the test runs."""
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_pages_run_without_csp_violations(page, live_server, staff, violations):
    for path in ["/", "/accounts/login/", "/status/", "/mailbox/"]:
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    log_in(page, live_server, "clerk")
    for path in ["/", "/petitions/", "/petitions/new/", "/notifications/", "/accounts/password/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_receipt_prints_from_its_script_file(page, live_server, staff, violations):
    from petitions.models import Category
    from petitions.services import PetitionerInput, petition_register
    from petitions.states import Channel, Kind

    petition = petition_register(
        town=staff["clerk"].town,
        actor=staff["clerk"],
        channel=Channel.WINDOW,
        kind=Kind.GRIEVANCE,
        category=Category.objects.get(code="neighbours-boundary"),
        title="邻居建房侵占地界",
        content="邻居新建院墙越过地界约半米。",
        request="请求调查。",
        village=staff["grid"].village,
        grid=None,
        petitioners=[PetitionerInput(name="刘芳", phone="13812341234", village=staff["grid"].village)],
    ).petition
    log_in(page, live_server, "clerk")
    page.evaluate("localStorage.setItem('desk-draft-intake', '{}')")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.goto(live_server.url + f"/petitions/{petition.tracking_number}/receipt/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("localStorage.getItem('desk-draft-intake')") is None
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.printed") is True
    assert violations == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_leader_turns_on_two_step_login(page, live_server, staff, violations, size, screenshot_dir):
    page.set_viewport_size(VIEWPORTS[size])
    log_in(page, live_server, "leader")
    page.goto(live_server.url + "/account/two-factor/")
    qr = page.locator("img.twofactor-qr")
    assert qr.is_visible()
    assert page.evaluate("document.querySelector('img.twofactor-qr').naturalWidth") > 0  # the data: URI loaded
    page.screenshot(path=str(screenshot_dir / f"twofactor-enrol-{size}.png"), full_page=True)
    page.locator(".twofactor-manual summary").click()
    secret = re.sub(r"\s", "", page.locator("[data-secret]").inner_text())
    code = f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    page.fill("#id_code", code)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert TOTPDevice.objects.get(user=staff["leader"]).confirmed
    # Next login: password, then a code.
    page.context.clear_cookies()
    log_in(page, live_server, "leader")
    assert "/account/two-factor/verify/" in page.url
    page.screenshot(path=str(screenshot_dir / f"twofactor-verify-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations == []


def test_a_planted_inline_script_is_refused(page, live_server, staff, violations):
    """What the policy is for: markup smuggled into a page cannot run script."""
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
            window.ran = false;
            const box = document.createElement('div');
            box.innerHTML = '<img src="/static/css/desk.css" onerror="window.ran = true">';
            document.body.append(box);
            const script = document.createElement('script');
            script.textContent = 'window.ran = true';
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is False
    assert any("inline" in text for text in violations)
