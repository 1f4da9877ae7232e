"""Login lockout (django-axes): keyed on username + real client address, cool-off from
settings, a clear page, and the administrator can unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from tests.factories import PASSWORD
from tests.security.conftest import CLIENT_ADDRESS

WRONG = "not-the-password-1"

pytestmark = pytest.mark.django_db


def fail_until_locked(password_login, username, settings, **kwargs):
    responses = [password_login(username, WRONG, **kwargs) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses


def test_wrong_passwords_below_the_limit_show_the_form_again(password_login, desk_clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = password_login("clerk", WRONG)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert password_login("clerk").status_code == 302


def test_limit_reached_locks_even_the_right_password(client, password_login, desk_clerk, settings):
    responses = fail_until_locked(password_login, "clerk", settings)
    assert responses[-1].status_code == 429
    response = password_login("clerk", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert "Login locked" in page or "登录" in page
    assert f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}" in page


def test_limit_and_cool_off_come_from_settings(password_login, desk_clerk, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert password_login("clerk", WRONG).status_code == 200
    assert password_login("clerk", WRONG).status_code == 429
    assert password_login("clerk").status_code == 429


def test_cool_off_ends_the_lockout(client, password_login, desk_clerk, settings):
    fail_until_locked(password_login, "clerk", settings)
    assert password_login("clerk").status_code == 429
    # The cool-off period passes.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=5)
    )
    response = password_login("clerk")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(desk_clerk.pk)


def test_lockout_is_per_username_and_address(client, password_login, desk_clerk, leader, settings):
    fail_until_locked(password_login, "clerk", settings)
    # The same username from another computer, and another username from this one, still work.
    assert password_login("clerk", address="198.51.100.20").status_code == 302
    client.logout()
    assert password_login("leader").status_code == 302


def test_forged_forwarded_for_does_not_escape_the_lockout(password_login, desk_clerk, settings):
    settings.TRUSTED_PROXIES = frozenset()
    for n in range(settings.AXES_FAILURE_LIMIT):
        password_login("clerk", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert password_login("clerk", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_key(password_login, desk_clerk, settings):
    proxy = "10.0.0.2"
    settings.TRUSTED_PROXIES = frozenset({proxy})
    fail_until_locked(password_login, "clerk", settings, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert password_login("clerk", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"
    # Another client behind the same proxy is not locked out.
    assert password_login("clerk", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 302


def test_administrator_unlocks_in_the_admin(client, password_login, desk_clerk, administrator, settings):
    fail_until_locked(password_login, "clerk", settings)
    admin_client = type(client)()
    admin_client.force_login(administrator)
    listing = admin_client.get("/admin/twofactor/accountsecurity/")
    assert listing.status_code == 200
    row = next(r for r in listing.context["cl"].result_list if r.username == "clerk")
    assert row._locked
    locked = admin_client.get("/admin/twofactor/accountsecurity/?locked=yes").context["cl"].result_list
    assert [r.username for r in locked] == ["clerk"]
    response = admin_client.post(
        "/admin/twofactor/accountsecurity/",
        {"action": "unlock_login", "_selected_action": [desk_clerk.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert password_login("clerk", address=CLIENT_ADDRESS).status_code == 302


def test_a_successful_login_forgets_earlier_failures(password_login, client, desk_clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_login("clerk", WRONG)
    assert password_login("clerk").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_login("clerk", WRONG).status_code == 200
    assert password_login("clerk").status_code == 302


def test_a_try_during_the_lockout_starts_the_wait_again(password_login, desk_clerk, settings):
    fail_until_locked(password_login, "clerk", settings)
    almost_over = settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - almost_over)
    assert password_login("clerk").status_code == 429
    # Had that try not counted, the lockout would be over two minutes later.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=2))
    assert password_login("clerk").status_code == 429
