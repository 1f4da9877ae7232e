"""The secretary of the town liaison joint meeting (a desk clerk): opens the planned meeting,
builds its agenda from the proposals, holds it, records the decisions, and the case pages
show them — at desk and phone width."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accountability import services as acc
from accountability.models import Decision
from accountability.states import DecisionState
from core.models import Role
from petitions import services
from petitions.models import HandlingUnit, Petition
from petitions.states import Channel, Kind, State
from tests.factories import PASSWORD, GridFactory, TownFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main button, main a.button, main summary, main select, main textarea,'
    + ' main input:not([type=hidden]):not([type=radio]):not([type=checkbox])'))
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def planned(reference_data):
    from petitions.models import Category

    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    GridFactory(village=village, number=1, name="第一网格")
    services.units_ensure(town=town)
    clerk = UserFactory(username="clerk", full_name="王丽", role=Role.DESK_CLERK, town=town)
    leader = UserFactory(username="leader", full_name="陈书记", role=Role.LEADER, town=town, title="镇党委书记")
    HandlingUnit.objects.get(name="信访接待中心").members.add(clerk)
    category = Category.objects.get(code="neighbours-boundary")
    cases = [
        services.petition_register(
            town=town,
            actor=clerk,
            channel=Channel.WINDOW,
            kind=Kind.GRIEVANCE,
            category=category,
            village=village,
            title=title,
            content="多次协商未果，群众反映强烈。",
            petitioners=[services.PetitionerInput(name="刘芳", phone="13812341234", village=village)],
            flags=services.Flags(key_matter=True),
        ).petition
        for title in ("跨村灌溉水渠权属争议", "集体林地承包费分配纠纷")
    ]
    meeting = acc.meeting_plan(
        town=town,
        actor=clerk,
        date=timezone.localdate() + timedelta(days=3),
        chair=leader,
        secretary=clerk,
        attendees=[leader, clerk],
    )
    return meeting, cases


def log_in(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def assert_fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SMALL_TARGETS) == []


def test_the_secretary_builds_the_agenda_holds_the_meeting_and_records_decisions(
    browser, live_server, planned, screenshot_dir
):
    meeting, cases = planned
    numbers = [case.tracking_number for case in cases]
    context, page = log_in(browser, live_server, "clerk", DESKTOP)

    # The planned meeting, from the navigation.
    page.locator("[data-nav=meetings]").click()
    page.wait_for_url(f"{live_server.url}/meetings/")
    page.locator(f"[data-meeting='{meeting.pk}'] a").click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    assert page.locator("[data-proposal]").count() == 2
    page.screenshot(path=str(screenshot_dir / "meeting-proposals-desktop.png"), full_page=True)

    # Tick both proposals; the agenda has them, in order.
    for number in numbers:
        page.locator(f"[data-proposal='{number}'] input").check()
    page.locator("[data-add-proposals]").click()
    page.locator(f"[data-item='{numbers[1]}']").wait_for()
    assert page.locator("[data-item]").all_inner_texts()[0].find(numbers[0]) >= 0
    assert page.locator("[data-proposal]").count() == 0

    # Hold it, with the minutes.
    page.locator("[data-hold] textarea").fill("会议研究了2件重点信访事项，明确了责任单位和办结时限。")
    page.locator("[data-hold] button").click()
    page.locator("[data-meeting-state=held]").wait_for()
    page.screenshot(path=str(screenshot_dir / "meeting-held-desktop.png"), full_page=True)

    # A decision for each item, from its own page.
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    resolutions = ["综治中心牵头，会同水利站实地勘界，20日内办结。", "司法所牵头调处，村委会配合。"]
    for number, resolution in zip(numbers, resolutions, strict=True):
        page.locator(f"[data-decide='{number}']").click()
        form = page.locator("[data-decision-form]")
        form.locator("[name=resolution]").fill(resolution)
        form.locator("[name=unit]").select_option(label="综治中心")
        form.locator("[name=leader]").select_option(label="陈书记")
        form.locator("[name=deadline]").fill(deadline)
        form.locator("[name=decide]").click()
        page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/#item-*")
        page.locator(f"[data-item='{number}'] [data-decision=pending]").wait_for()
    assert page.locator("[data-decide]").count() == 0
    page.screenshot(path=str(screenshot_dir / "meeting-decided-desktop.png"), full_page=True)

    # The case page shows the decision.
    page.goto(f"{live_server.url}/petitions/{numbers[0]}/")
    block = page.locator("[data-case-accountability]")
    assert resolutions[0] in block.inner_text()
    assert block.locator("[data-case-decision=pending]").count() == 1
    context.close()

    # The same pages on a phone.
    context, phone = log_in(browser, live_server, "clerk", PHONE)
    phone.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    phone.screenshot(path=str(screenshot_dir / "meeting-decided-phone.png"), full_page=True)
    assert_fits_a_phone(phone)
    phone.goto(f"{live_server.url}/petitions/{numbers[1]}/")
    assert resolutions[1] in phone.locator("[data-case-accountability]").inner_text()
    phone.screenshot(path=str(screenshot_dir / "meeting-case-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.goto(f"{live_server.url}/meetings/decisions/")
    assert phone.locator("[data-decision-row]").count() == 2
    phone.screenshot(path=str(screenshot_dir / "meeting-decisions-phone.png"), full_page=True)
    assert_fits_a_phone(phone)
    context.close()

    for case in cases:
        case = Petition.objects.get(pk=case.pk)
        assert (case.state, case.unit.name, case.responsible_leader.username) == (State.HANDLING, "综治中心", "leader")
        assert case.report_due == date.fromisoformat(deadline)
    assert list(Decision.objects.values_list("state", flat=True)) == [DecisionState.PENDING] * 2


def test_a_planned_meeting_on_a_phone(browser, live_server, planned, screenshot_dir):
    meeting, _cases = planned
    context, page = log_in(browser, live_server, "clerk", PHONE)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert page.locator("[data-proposal]").count() == 2
    page.screenshot(path=str(screenshot_dir / "meeting-proposals-phone.png"), full_page=True)
    assert_fits_a_phone(page)
    page.goto(f"{live_server.url}/meetings/new/")
    page.screenshot(path=str(screenshot_dir / "meeting-plan-phone.png"), full_page=True)
    assert_fits_a_phone(page)
    context.close()
