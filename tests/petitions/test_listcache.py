"""The case list's cache (petitions/listcache.py): a repeated view costs two queries, and no
change, user, language or day ever gets another's body."""

from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from petitions import deadlines, listcache
from petitions.models import Petition, TimeLimit
from petitions.states import Action, State

LIST = reverse("petitions:list")


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]  # the page around it has fresh CSRF tokens


def _cached_twice(client, url, django_assert_num_queries) -> str:
    first = client.get(url).content.decode()
    with django_assert_num_queries(1):  # the user: the body (and the session) come from the cache
        again = client.get(url).content.decode()
    assert _main(again) == _main(first)
    return first


def test_an_action_shows_on_the_next_view(login, desk_clerk, register, act, django_assert_num_queries):
    petition = register(title="村道塌方请求修复")
    client = login(desk_clerk)
    page = _cached_twice(client, LIST, django_assert_num_queries)
    assert 'state-registered"' in page
    act(Action.ACCEPT, petition, desk_clerk)
    petition.refresh_from_db()
    assert petition.state != State.REGISTERED
    page = client.get(LIST).content.decode()
    assert 'state-registered"' not in page and f'state-{petition.state}"' in page


def test_a_new_petition_shows_on_the_next_view(login, desk_clerk, register, django_assert_num_queries):
    register(title="第一件")
    client = login(desk_clerk)
    assert "第二件" not in _cached_twice(client, LIST, django_assert_num_queries)
    register(title="第二件")
    assert "第二件" in client.get(LIST).content.decode()


def test_a_rewritten_deadline_shows_on_the_next_view(login, desk_clerk, register, django_assert_num_queries):
    petition = register()
    client = login(desk_clerk)
    _cached_twice(client, LIST, django_assert_num_queries)
    # The sweep rewrites next_due with QuerySet.update (no signal) when a limit changed.
    Petition.objects.filter(pk=petition.pk).update(next_due=timezone.localdate() + timedelta(days=40))
    limit = TimeLimit.objects.order_by("pk").first()
    TimeLimit.objects.filter(pk=limit.pk).update(days=limit.days)  # no signal either
    listcache.bump(petition.town_id)  # stands for the changed row above, the sweep does the same
    page = client.get(LIST).content.decode()
    due = (timezone.localdate() + timedelta(days=40)).isoformat()
    assert due in page
    petition.refresh_from_db()
    assert deadlines._recompute(petition.town_id) == 1  # back to the legal date, by update()
    petition.refresh_from_db()
    assert petition.next_due.isoformat() in client.get(LIST).content.decode()
    assert due not in client.get(LIST).content.decode()


def test_another_user_never_gets_my_body(login, desk_clerk, grid_worker_b, register, units):
    register(title="东河口村的诉求")
    clerk = login(desk_clerk)
    assert "东河口村的诉求" in clerk.get(LIST).content.decode()
    other = login(grid_worker_b)
    assert "东河口村的诉求" not in other.get(LIST).content.decode()


def test_each_language_has_its_own_body(login, desk_clerk, register):
    register()
    client = login(desk_clerk)
    client.cookies["django_language"] = "zh-hans"
    assert "导出" in client.get(LIST).content.decode()
    client.cookies["django_language"] = "en"
    assert "Export to Excel" in client.get(LIST).content.decode()


def test_the_next_day_draws_the_list_again(login, desk_clerk, register, django_assert_num_queries):
    register()
    client = login(desk_clerk)
    _cached_twice(client, LIST, django_assert_num_queries)
    tomorrow = timezone.localdate() + timedelta(days=1)
    # the lights turn with the day: drawn again
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow), django_assert_num_queries(3):
        client.get(LIST)


def test_each_filter_has_its_own_body(login, desk_clerk, register, walk):
    walk(register(title="已办结的诉求"), State.CLOSED)
    register(title="办理中的诉求")
    client = login(desk_clerk)
    everything = client.get(LIST).content.decode()
    open_only = client.get(LIST + "?open=true").content.decode()
    assert "已办结的诉求" in everything and "已办结的诉求" not in open_only


def test_turned_off_it_draws_every_time(login, desk_clerk, register, settings, django_assert_num_queries):
    settings.CASE_LIST_CACHE_SECONDS = 0
    register()
    client = login(desk_clerk)
    client.get(LIST)
    with django_assert_num_queries(3):
        client.get(LIST)


def test_joining_a_unit_shows_its_cases_on_the_next_view(login, handler, register, act, desk_clerk, units):
    petition = act(Action.ASSIGN, register(title="综治中心办理的诉求"), desk_clerk, unit=units.reception)
    client = login(handler)
    assert "综治中心办理的诉求" not in client.get(LIST).content.decode()
    units.reception.members.add(handler)
    assert petition.title in client.get(LIST).content.decode()
    units.reception.members.remove(handler)
    assert petition.title not in client.get(LIST).content.decode()


def test_a_user_of_no_town_is_never_served_from_the_cache(client, register, units):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import User

    register()
    root = User.objects.create_superuser("root", "root@example.org", "Dhk-root-2026-x")
    assert root.town_id is None
    client.force_login(root)
    client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        client.get(LIST)
    assert any("petitions_petition" in q["sql"] for q in captured.captured_queries)  # drawn again


def test_a_search_with_few_matches_is_sorted_not_walked(login, desk_clerk, register, django_assert_num_queries):
    """petitions.selectors.list_page: a search's few matches are gathered and sorted (an order
    no index provides), in the same order; a list without a search keeps its indexed order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(30):
        register(title=f"村道塌方 {i}")
    client = login(desk_clerk)
    for url in (LIST + "?q=村道塌方", LIST + "?q=村道塌方&sort=-number", LIST + "?q=村道塌方&page=2"):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        rows = [q["sql"] for q in captured.captured_queries if "LIMIT 25" in q["sql"] or "LIMIT 5" in q["sql"]]
        assert rows and all("COALESCE" in sql.split("ORDER BY")[1] for sql in rows), url
        ordered = Petition.objects.filter(title__startswith="村道塌方").order_by(
            "-tracking_number" if "sort=-number" in url else "-registered_at", "-id"
        )
        numbers = [p.tracking_number for p in (ordered[25:] if "page=2" in url else ordered[:25])]
        assert [n for n in numbers if n in page] == numbers
        positions = [page.index(n) for n in numbers]
        assert positions == sorted(positions), url
    with CaptureQueriesContext(connection) as captured:
        client.get(LIST + "?open=true")
    assert not any("COALESCE" in q["sql"] for q in captured.captured_queries)
