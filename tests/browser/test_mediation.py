"""A mediator on a cheap phone: opens the room, a registered case, records a session and
the agreement, and downloads the agreement PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Role
from mediation import services as s
from mediation.models import MediationCase, RoomMember
from mediation.states import DisputeKind, Gender, MemberKind, PartyRole, RiskLevel, Source, State
from tests.factories import PASSWORD, TownFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 640}
TAP = 44

# Buttons, fields and summaries on the page smaller than a finger (radio and check boxes sit
# in 44 px labels, so the labels count for them).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main button, main a.button, main summary, main select, main textarea,'
    + ' main input:not([type=hidden]):not([type=radio]):not([type=checkbox])'))
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def room_with_case(reference_data):
    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    mediator = UserFactory(username="mediator_a", full_name="孙德", role=Role.MEDIATOR, town=town, village=village)
    room = s.rooms_ensure(town=town)[0]
    chair = RoomMember.objects.create(
        room=room,
        user=mediator,
        name="孙德",
        kind=MemberKind.RETIRED_CADRE,
        gender=Gender.MALE,
        is_chair=True,
        phone="13912345678",
        duty="主持调解室日常工作",
        commitment="随时接待、公正调解",
    )
    RoomMember.objects.create(room=room, name="王秀兰", kind=MemberKind.LEGAL_WORKER, gender=Gender.FEMALE)
    RoomMember.objects.create(room=room, name="李长青", kind=MemberKind.PARTY_VETERAN, gender=Gender.MALE)
    case = s.mediation_case_register(
        room=room,
        actor=mediator,
        source=Source.WALK_IN,
        dispute_kind=DisputeKind.NEIGHBOURS,
        risk_level=RiskLevel.MEDIUM,
        summary="院墙越界引发邻里纠纷",
        facts="欧阳建国新建院墙越过地界约半米，双方多次争吵。",
        parties=[
            s.PartyInput(name="刘芳", role=PartyRole.APPLICANT, phone="13812341234", id_number="11010519491231002X"),
            s.PartyInput(name="欧阳建国", role=PartyRole.RESPONDENT, phone="13600001111"),
        ],
        mediators=[chair],
    )
    return room, case


def log_in(browser, live_server, username):
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
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


@pytest.mark.pdf
def test_mediator_records_a_session_and_an_agreement_and_downloads_the_pdf(
    browser, live_server, room_with_case, screenshot_dir
):
    room, case = room_with_case
    context, page = log_in(browser, live_server, "mediator_a")

    page.locator("[data-nav=mediation]").click()
    page.wait_for_url(f"{live_server.url}/mediation/rooms/{room.pk}/")
    assert page.locator("[data-member]").count() == 3
    assert "139****5678" in page.locator("#members").inner_text()
    page.screenshot(path=str(screenshot_dir / "mediation-room-phone.png"), full_page=True)
    assert_fits_a_phone(page)

    page.locator(f"[data-case='{case.tracking_number}'] a").click()
    page.wait_for_url(f"{live_server.url}/mediation/cases/{case.tracking_number}/")
    assert_fits_a_phone(page)

    session = page.locator("[data-action=session]")
    session.locator("[name=session-present]").fill("刘芳、欧阳建国、调解员孙德")
    session.locator("[name=session-record]").fill("双方陈述地界争议，调解员释明相关法律，双方同意各退一步。")
    session.locator("[name=session-agreed]").fill("拆除越界部分，补偿材料费。")
    session.locator("[name=submit-session]").click()
    page.locator("[data-state=in_mediation]").wait_for()
    assert page.locator("[data-session]").count() == 1
    page.screenshot(path=str(screenshot_dir / "mediation-session-recorded-phone.png"), full_page=True)
    assert_fits_a_phone(page)

    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    agree = page.locator("[data-action=agree]")
    agree.locator("[name=agree-performance_method]").fill("现场拆除，调解员到场见证；现金当面支付。")
    agree.locator("[name=agree-performance_deadline]").fill(due)
    agree.locator("[name=agree-term1_text]").fill("欧阳建国于十日内拆除越界院墙")
    agree.locator("[name=agree-term1_party]").select_option(index=2)
    agree.locator("[name=agree-term1_due]").fill(due)
    agree.locator("[name=agree-term2_text]").fill("刘芳补偿欧阳建国砌墙材料费800元")
    agree.locator("[name=agree-term2_party]").select_option(index=1)
    page.screenshot(path=str(screenshot_dir / "mediation-agreement-form-phone.png"), full_page=True)
    agree.locator("[name=submit-agree]").click()
    page.locator("[data-state=agreed]").wait_for()
    assert page.locator("[data-state]").inner_text() == "达成协议"
    assert page.locator("[data-term]").count() == 2
    page.screenshot(path=str(screenshot_dir / "mediation-agreed-phone.png"), full_page=True)
    assert_fits_a_phone(page)

    with page.expect_download() as download_info:
        page.locator("[data-pdf]").click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert download.suggested_filename == f"{case.tracking_number}.pdf"
    # Let the live server finish the download's request before the test's database goes away.
    page.reload()
    page.locator("[data-state=agreed]").wait_for()
    context.close()

    case = MediationCase.objects.get(pk=case.pk)
    assert case.state == State.AGREED
    assert [t.text for t in case.agreement.items.all()] == [
        "欧阳建国于十日内拆除越界院墙",
        "刘芳补偿欧阳建国砌墙材料费800元",
    ]
    assert case.agreement.items.first().party.name == "欧阳建国"
