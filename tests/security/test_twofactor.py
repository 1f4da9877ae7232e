"""Optional TOTP second factor for leaders, inspectors and administrators (django-otp),
tested with real codes computed from the device key."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.conftest import current_code

pytestmark = pytest.mark.django_db

ENROL = "/account/two-factor/"
VERIFY = "/account/two-factor/verify/"


@pytest.fixture(autouse=True)
def _no_throttle_unless_asked(settings):
    # django-otp makes each wrong code cost 1, 2, 4 … seconds; tests that type a wrong code
    # and then the right one would wait. test_wrong_codes_are_throttled turns it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_leader_enrols_by_scanning_and_confirming_a_code(login, client, leader):
    login(leader)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    # A wrong code changes nothing.
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    # The code the app shows confirms the device and verifies this session.
    response = client.post(ENROL, {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(ENROL).templates[0].name == "twofactor/manage.html"


def test_reloading_the_enrolment_keeps_the_scanned_key(login, client, inspector):
    login(inspector)
    first = client.get(ENROL).context["secret"]
    assert client.get(ENROL).context["secret"] == first
    assert TOTPDevice.objects.filter(user=inspector).count() == 1


@pytest.mark.parametrize("persona", ["desk_clerk", "grid_worker_a", "handler", "mediator_a"])
def test_other_roles_have_no_second_factor_page(login, client, persona, request):
    login(request.getfixturevalue(persona))
    assert client.get(ENROL).status_code == 404


def test_enrolled_leader_must_give_a_code_after_the_password(client, password_login, leader, enrolled):
    device = enrolled(leader)
    assert password_login("leader").status_code == 302
    assert client.session[SESSION_KEY] == str(leader.pk)
    # Every page sends the leader to the code step first.
    response = client.get("/petitions/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fpetitions%2F"
    assert client.get("/notifications/")["Location"].startswith(VERIFY)
    # A wrong code keeps the desk closed.
    response = client.post(VERIFY, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get("/notifications/").status_code == 302
    # The right one opens it, and returns to the page asked for.
    response = client.post(VERIFY, {"code": current_code(device), "next": "/notifications/"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 200


def test_a_code_cannot_be_used_twice(client, password_login, leader, enrolled):
    device = enrolled(leader)
    password_login("leader")
    code = current_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    password_login("leader")
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_wrong_codes_are_throttled(client, password_login, leader, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = enrolled(leader)
    password_login("leader")
    client.post(VERIFY, {"code": "000000" if current_code(device) != "000000" else "111111"})
    # Straight after a wrong code, even the right one waits its turn.
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_the_code_step_is_open_to_logging_out(client, password_login, leader, enrolled):
    enrolled(leader)
    password_login("leader")
    assert client.post("/accounts/logout/").status_code == 302
    assert SESSION_KEY not in client.session


def test_without_a_device_the_second_factor_stays_optional(client, password_login, leader):
    password_login("leader")
    assert client.get("/notifications/").status_code == 200


def test_required_roles_must_enrol_before_anything_else(client, password_login, leader, desk_clerk, settings):
    settings.OTP_REQUIRED_ROLES = frozenset({"leader"})
    password_login("leader")
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    page = client.get(ENROL)
    assert page.context["required"]
    device = TOTPDevice.objects.get(user=leader)
    assert client.post(ENROL, {"code": current_code(device)}).status_code == 302
    assert client.get("/notifications/").status_code == 200
    # A required second factor cannot be turned off by its owner.
    assert client.post("/account/two-factor/off/", {"code": current_code(device)}).status_code == 404
    # Roles not listed are not asked.
    client.logout()
    password_login("clerk")
    assert client.get("/notifications/").status_code == 200


def test_owner_turns_an_optional_second_factor_off_with_a_code(login, client, inspector, enrolled):
    device = enrolled(inspector)
    login(inspector)  # an old session, from before enrolment
    client.post("/account/two-factor/off/", {"code": "12345"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post("/account/two-factor/off/", {"code": current_code(device)})
    assert not TOTPDevice.objects.filter(user=inspector).exists()


def test_administrator_resets_a_lost_device(client, password_login, leader, administrator, enrolled):
    enrolled(leader)
    admin_client = type(client)()
    admin_client.force_login(administrator)
    listing = admin_client.get("/admin/twofactor/accountsecurity/")
    assert next(r for r in listing.context["cl"].result_list if r.username == "leader")._second_factor
    admin_client.post(
        "/admin/twofactor/accountsecurity/",
        {"action": "reset_second_factor", "_selected_action": [leader.pk]},
    )
    assert not TOTPDevice.objects.filter(user=leader).exists()
    password_login("leader")
    assert client.get("/notifications/").status_code == 200


def test_other_roles_pay_no_query_for_the_second_factor(login, client, desk_clerk):
    """What is owed is noted in the session at login: pages of a user who owes nothing
    never ask the device tables."""
    login(desk_clerk)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]


def test_password_page_leads_eligible_roles_to_two_step_login(login, client, leader, desk_clerk):
    assert ENROL in login(leader).get("/accounts/password/").content.decode()
    client.logout()
    assert ENROL not in login(desk_clerk).get("/accounts/password/").content.decode()


def test_requiring_it_reaches_sessions_opened_before(login, client, leader, enrolled, settings):
    login(leader)  # logged in before enrolling, while the second factor was optional
    device = enrolled(leader)
    assert client.get("/notifications/").status_code == 200
    settings.OTP_REQUIRED_ROLES = frozenset({"leader"})
    assert client.get("/notifications/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    assert client.get("/notifications/").status_code == 200


def test_a_reset_device_ends_the_verified_session_of_a_required_role(
    client, password_login, leader, enrolled, settings
):
    settings.OTP_REQUIRED_ROLES = frozenset({"leader"})
    device = enrolled(leader)
    password_login("leader")
    client.post(VERIFY, {"code": current_code(device)})
    assert client.get("/notifications/").status_code == 200
    device.delete()  # the administrator's reset
    assert client.get("/notifications/")["Location"].startswith(ENROL)
