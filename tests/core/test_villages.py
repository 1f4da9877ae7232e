from django.urls import reverse

from core.permissions import villages_visible_to
from tests.factories import GridFactory


def test_grid_worker_sees_only_own_village(login, grid_worker_a, village_b):
    assert list(villages_visible_to(grid_worker_a)) == [grid_worker_a.village]
    html = login(grid_worker_a).get(reverse("core:villages")).content.decode()
    assert "东河口村委会" in html
    assert "长岭村委会" not in html


def test_grid_worker_cannot_see_other_village(grid_worker_b, village_a):
    assert village_a not in villages_visible_to(grid_worker_b)


def test_mediator_and_agent_see_only_own_village(mediator_a, village_agent_a, village_b):
    assert village_b not in villages_visible_to(mediator_a)
    assert village_b not in villages_visible_to(village_agent_a)


def test_desk_clerk_sees_every_village_of_the_town(login, desk_clerk, village_a, village_b):
    assert set(villages_visible_to(desk_clerk)) == {village_a, village_b}
    html = login(desk_clerk).get(reverse("core:villages")).content.decode()
    assert "341502105200" in html and "341502105201" in html


def test_anonymous_sees_no_village(village_a):
    from django.contrib.auth.models import AnonymousUser

    assert not villages_visible_to(AnonymousUser()).exists()


def test_village_list_query_count_does_not_grow(login, desk_clerk, village_a, village_b, django_assert_num_queries):
    client = login(desk_clerk)
    client.get(reverse("core:villages"))
    # user with town (the session is cached), villages, grids (prefetched)
    with django_assert_num_queries(3):
        client.get(reverse("core:villages"))
    for number in range(2, 6):
        GridFactory(village=village_a, number=number)
    with django_assert_num_queries(3):
        client.get(reverse("core:villages"))
