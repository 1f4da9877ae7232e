import pytest
from django.urls import reverse

from core.models import Role
from tests.conftest import PERSONAS

ROLE_LABEL_ZH = {
    Role.DESK_CLERK: "窗口工作人员",
    Role.GRID_WORKER: "网格员",
    Role.VILLAGE_AGENT: "村级信访代办员",
    Role.MEDIATOR: "调解员",
    Role.HANDLER: "承办人员",
    Role.LEADER: "镇领导",
    Role.INSPECTOR: "纪检监察员",
    Role.ADMIN: "系统管理员",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_lands_on_its_own_home_in_chinese(request, login, persona):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("core:home"))
    assert response.status_code == 200
    assert response.templates[0].name == f"core/home/{user.role}.html"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert ROLE_LABEL_ZH[user.role] in html
    assert f'data-role="{user.role}"' in html
    assert "我的工作" in html


def test_grid_worker_home_names_village_and_grid(login, grid_worker_a):
    html = login(grid_worker_a).get("/").content.decode()
    assert 'data-village="341502105201"' in html
    assert "东河口村" in html
    assert "第一网格" in html


def test_resident_sees_public_contacts_without_logging_in(resident, town):
    response = resident.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for contact in ("0551-62620110", "0551-64376913", "3598612204@qq.com"):
        assert contact in html
    assert "工作人员登录" in html
    assert 'href="/mailbox/"' in html and 'href="/status/"' in html


def test_resident_is_sent_to_login_for_staff_pages(resident, town):
    response = resident.get(reverse("core:villages"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_form_lands_on_home(client, desk_clerk):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "窗口工作人员" in response.content.decode()


def test_wrong_password_is_refused_in_chinese(client, desk_clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_logout_needs_post_and_ends_session(login, desk_clerk):
    client = login(desk_clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:villages")).status_code == 302


def test_password_change(login, desk_clerk):
    from tests.factories import PASSWORD

    client = login(desk_clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-pass-77", "new_password2": "Another-pass-77"},
    )
    assert response.status_code == 302
    desk_clerk.refresh_from_db()
    assert desk_clerk.check_password("Another-pass-77")


def test_weak_new_password_is_refused(login, desk_clerk):
    from tests.factories import PASSWORD

    client = login(desk_clerk)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    desk_clerk.refresh_from_db()
    assert desk_clerk.check_password(PASSWORD)


def test_english_on_request_only(login, desk_clerk, client):
    client = login(desk_clerk)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "窗口工作人员" in html, "the browser's language alone must not switch the desk to English"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "desk clerk" in html


def test_home_query_count_is_pinned(login, grid_worker_a, django_assert_num_queries):
    client = login(grid_worker_a)
    client.get("/")
    # user with town (the session is cached), village and grid, unread notifications
    with django_assert_num_queries(2):
        client.get("/")


def test_leader_home_query_count_is_pinned(login, leader, django_assert_num_queries):
    client = login(leader)
    client.get("/")
    # user with town (the session is cached), village and grid, unread notifications, job runner heartbeat
    with django_assert_num_queries(3):
        client.get("/")


def test_public_home_query_count_is_pinned(resident, town, django_assert_num_queries):
    # town, and the duty board: today's leader on duty, reception days, no-skip-level villages, staff cards
    with django_assert_num_queries(5):
        resident.get("/")
