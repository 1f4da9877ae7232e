"""Password rules and session expiry."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def refusal_codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_a_long_mixed_password_is_accepted(desk_clerk):
    assert refusal_codes("Harbour-lamp-47", desk_clerk) == set()
    assert refusal_codes(PASSWORD, desk_clerk) == set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("harbourlampwick", "password_letters_and_digits"),
        ("Harbour-Lamp-Wick", "password_letters_and_digits"),
        ("3141592653589", "password_entirely_numeric"),
        ("Ab1", "password_too_short"),
        ("password123", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(desk_clerk, password, code):
    assert code in refusal_codes(password, desk_clerk)


def test_username_in_the_password_is_refused(desk_clerk):
    desk_clerk.username = "wangli"
    assert "password_has_username" in refusal_codes("Xwangli-2026q", desk_clerk)
    assert "password_has_username" in refusal_codes("xWANGLI-2026q", desk_clerk)


def test_phone_number_in_the_password_is_refused(desk_clerk):
    desk_clerk.phone = "138-0013-8000"
    assert "password_has_phone" in refusal_codes("Tea13800138000", desk_clerk)
    # The last eight digits alone, or with separators, are the phone number too.
    assert "password_has_phone" in refusal_codes("Tea-0013-8000x", desk_clerk)
    assert "password_has_phone" not in refusal_codes("Tea-2468-1357x", desk_clerk)


def test_password_change_page_explains_and_refuses(login, desk_clerk):
    client = login(desk_clerk)
    page = client.get("/accounts/password/").content.decode()
    assert "letters and digits" in page or "字母" in page
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "onlyletterswords", "new_password2": "onlyletterswords"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    desk_clerk.refresh_from_db()
    assert desk_clerk.check_password(PASSWORD)


def test_login_cookie_ends_with_the_browser(password_login, client, desk_clerk, settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert password_login("clerk").status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    # The server still ends it after SESSION_COOKIE_AGE.
    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < left <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_expired_session_must_log_in_again(login, client, desk_clerk, settings):
    login(desk_clerk)
    assert client.get("/notifications/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()  # the cached copy runs out with the session (its timeout is the session's age)
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/notifications/")


def test_the_length_rule_speaks_chinese_on_the_chinese_desk(desk_clerk):
    """Issue 15, item 8: Django 5.2's reworded length message was shown in English."""
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("ab1cd2", desk_clerk)
    assert "密码太短" in " ".join(refused.value.messages) and "10" in " ".join(refused.value.messages)
    assert "too short" not in " ".join(refused.value.messages)
