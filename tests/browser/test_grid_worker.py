"""A grid worker's day on a cheap phone: cases, photos, follow-up, risks, escalation, no signal."""

import pytest

from core.models import Role
from patrols.models import Risk
from petitions import services
from petitions.models import Category, HandlingUnit, Petition
from petitions.states import Action, State
from tests.factories import PASSWORD, GridFactory, TownFactory, UserFactory, VillageFactory
from tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 640}


@pytest.fixture
def village(reference_data):
    town = TownFactory()
    village = VillageFactory(town=town, code="341502105201", name="东河口村委会")
    grid = GridFactory(village=village, number=1, name="第一网格")
    services.units_ensure(town=town)
    worker = UserFactory(
        username="grid_a", full_name="张强", role=Role.GRID_WORKER, town=town, village=village, grid=grid
    )
    clerk = UserFactory(username="clerk", full_name="王丽", role=Role.DESK_CLERK, town=town)
    HandlingUnit.objects.get(village=village).members.add(worker)
    HandlingUnit.objects.get(name="信访接待中心").members.add(clerk)
    from mediation.services import rooms_ensure

    rooms_ensure(town=town)
    return town, village, grid, worker, clerk


def open_case(town, village, clerk, unit):
    petition = services.petition_register(
        town=town,
        actor=clerk,
        channel="hotline",
        kind="grievance",
        category=Category.objects.get(code="roads"),
        title="村组道路破损",
        content="路面坑洼",
        village=village,
        petitioners=[services.PetitionerInput(name="陈静", phone="13900001111")],
    ).petition
    return services.petition_assign(petition=petition, actor=clerk, version=petition.version, unit=unit)


SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input, select, textarea')]
    .filter(el => el.offsetParent !== null && el.type !== 'hidden' && !el.closest('.skip'))
    .filter(el => el.type !== 'checkbox' && el.type !== 'radio')
    .filter(el => el.getBoundingClientRect().height < 44)
    .map(el => el.outerHTML.slice(0, 80))"""


def assert_thumb_friendly(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SMALL_TARGETS) == []


def log_in(browser, live_server, username):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_note_with_photo_follow_up_and_escalation(browser, live_server, village, tmp_path, screenshot_dir):
    town, village_obj, _grid, _worker, clerk = village
    unit = HandlingUnit.objects.get(village=village_obj)
    case = open_case(town, village_obj, clerk, unit)
    _, page = log_in(browser, live_server, "grid_a")

    page.get_by_role("link", name="本村", exact=True).click()
    assert_thumb_friendly(page)
    page.get_by_role("link", name=case.tracking_number).click()
    assert_thumb_friendly(page)
    photo = tmp_path / "road.png"
    photo.write_bytes(png_bytes((40, 30)))
    attach = page.locator("[data-action=attach]")
    attach.locator("summary").click()
    attach.locator("input[type=file]").set_input_files(str(photo))
    attach.get_by_role("button", name="添加照片或文件").click()
    page.get_by_role("link", name="road.png").wait_for()

    reply = page.locator("[data-action=reply]")
    reply.get_by_label("支持", exact=True).check()
    reply.get_by_label("答复意见：诉求、事实、处理意见及依据").fill("已组织修补路面。")
    reply.get_by_role("button", name="书面答复").click()
    follow = page.locator("[data-action=follow_up]")
    follow.get_by_label("满意", exact=True).check()
    follow.get_by_role("button", name="记录回访").click()
    page.locator("[data-state=closed]").wait_for()
    page.screenshot(path=str(screenshot_dir / "grid-case-closed-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    second = open_case(town, village_obj, clerk, unit)
    page.goto(f"{live_server.url}/petitions/{second.tracking_number}/")
    escalate = page.locator("[data-action=escalate]")
    escalate.locator("summary").click()
    escalate.get_by_label("理由").fill("涉及跨村道路，村里无力解决")
    escalate.get_by_role("button", name="提级报镇").click()
    page.locator("[data-state=registered]").wait_for()

    _, desk = log_in(browser, live_server, "clerk")
    desk.goto(live_server.url + "/?")
    desk.get_by_role("link", name="待转送交办的诉求").click()
    assert desk.get_by_role("link", name=second.tracking_number).is_visible()
    assert Petition.objects.get(pk=second.pk).origin == "escalated"
    assert [e.action for e in Petition.objects.get(pk=second.pk).timeline.all()][-1] == Action.ESCALATE
    assert Petition.objects.get(pk=case.pk).state == State.CLOSED


def test_risk_reported_without_signal_is_sent_once_when_it_returns(browser, live_server, village, screenshot_dir):
    context, page = log_in(browser, live_server, "grid_a")
    page.goto(live_server.url + "/risks/new/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("类型").select_option(label="土地地界")
    page.get_by_label("高").check()
    page.get_by_label("地点").fill("三组村口")
    page.get_by_label("当事人").fill("张某与李某")
    page.get_by_label("具体情况").fill("两户因地界争吵")

    context.set_offline(True)
    page.get_by_role("button", name="保存").click()
    outbox = page.locator("#outbox")
    outbox.wait_for(state="visible")
    assert outbox.locator("[data-count]").inner_text() == "1"
    page.screenshot(path=str(screenshot_dir / "outbox-offline-phone.png"), full_page=True)
    assert not Risk.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    outbox.wait_for(state="hidden")
    assert Risk.objects.count() == 1
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert Risk.objects.count() == 1
    risk = Risk.objects.get()
    assert (risk.level, risk.place) == ("high", "三组村口")


def test_risk_found_on_patrol_goes_to_the_mediation_room(browser, live_server, village, screenshot_dir):
    from mediation.models import MediationCase

    _, page = log_in(browser, live_server, "grid_a")
    page.goto(live_server.url + "/village/")
    page.get_by_role("link", name="上报隐患").click()
    page.get_by_label("类型").select_option(label="邻里纠纷")
    page.get_by_label("中").check()
    page.get_by_label("地点").fill("二组水井")
    page.get_by_label("当事人").fill("王某与赵某")
    page.get_by_label("具体情况").fill("两家因取水顺序争吵")
    page.get_by_role("button", name="保存").click()
    send = page.locator("#to-mediation")
    send.wait_for()
    assert send.locator("#id_applicant").input_value() == "王某"
    assert send.locator("#id_respondent").input_value() == "赵某"
    page.screenshot(path=str(screenshot_dir / "risk-phone.png"), full_page=True)
    assert_thumb_friendly(page)
    send.get_by_role("button", name="转村睦邻调解室调解").click()
    page.locator("[data-state=mediation]").wait_for()
    case = MediationCase.objects.get()
    assert case.source == "patrol_risk" and case.room.village.code == "341502105201"
    assert Risk.objects.get().mediation_case == case


def test_a_big_camera_photo_is_shrunk_on_the_phone_before_upload(browser, live_server, village, tmp_path):
    import io
    import os

    from PIL import Image

    town, village_obj, _grid, _worker, clerk = village
    case = open_case(town, village_obj, clerk, HandlingUnit.objects.get(village=village_obj))
    _, page = log_in(browser, live_server, "grid_a")
    page.goto(f"{live_server.url}/petitions/{case.tracking_number}/")
    photo = tmp_path / "camera.png"
    Image.frombytes("RGB", (2400, 1800), os.urandom(2400 * 1800 * 3)).save(photo)  # ~13 MB of noise
    assert photo.stat().st_size > 10 * 1024 * 1024
    attach = page.locator("[data-action=attach]")
    attach.locator("summary").click()
    attach.locator("input[type=file]").set_input_files(str(photo))
    page.wait_for_function(
        "() => document.querySelector('[data-action=attach] input[type=file]').files[0].type === 'image/jpeg'"
    )
    attach.get_by_role("button", name="添加照片或文件").click()
    page.get_by_role("link", name="camera.jpg").wait_for()  # shrunk to a JPEG on the phone
    stored = Petition.objects.get(pk=case.pk).attachments.get()
    with stored.file.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (1600, 1200)  # the phone's 1600 px, not the server's cap
    assert stored.size < 2 * 1024 * 1024
