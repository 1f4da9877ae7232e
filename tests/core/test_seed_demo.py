import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.demo import DEFAULT_PASSWORD, SHOWN_ACCOUNTS, seed_town
from core.models import Grid, Role, User, Village


@pytest.mark.django_db
def test_seed_builds_staff_for_every_role_in_every_village():
    result = seed_town(seed=7)
    assert not result.already_loaded
    assert Village.objects.count() == 29
    for role in Role:
        assert User.objects.filter(role=role).exists(), role
    for village in Village.objects.all():
        grids = Grid.objects.filter(village=village).count()
        assert grids >= 3
        assert User.objects.filter(village=village, role=Role.VILLAGE_AGENT).count() == 1
        assert User.objects.filter(village=village, role=Role.GRID_WORKER).count() == grids
        assert User.objects.filter(village=village, role=Role.MEDIATOR).count() == 3
    for worker in User.objects.filter(role=Role.GRID_WORKER).select_related("grid"):
        assert worker.grid.village_id == worker.village_id
    assert result.created_users == User.objects.count()


@pytest.mark.django_db
def test_seed_is_idempotent():
    seed_town(seed=7)
    before = User.objects.count()
    again = seed_town(seed=7)
    assert again.already_loaded
    assert User.objects.count() == before


@pytest.mark.django_db
def test_same_seed_gives_same_people(django_db_blocker):
    seed_town(seed=11)
    first = list(User.objects.order_by("username").values_list("username", "full_name", "phone", "title"))
    User.objects.all().delete()
    seed_town(seed=11)
    second = list(User.objects.order_by("username").values_list("username", "full_name", "phone", "title"))
    assert first == second
    User.objects.all().delete()
    seed_town(seed=12)
    third = list(User.objects.order_by("username").values_list("username", "full_name", "phone", "title"))
    assert [row[0] for row in third] == [row[0] for row in first]
    assert third != first


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_demo_password():
    seed_town()
    for username in SHOWN_ACCOUNTS:
        assert authenticate(username=username, password=DEFAULT_PASSWORD) is not None, username
    assert User.objects.get(username="grid_a").village.code == "341502105201"
    assert User.objects.get(username="grid_b").village.code == "341502105200"


@pytest.mark.django_db
def test_seed_command_prints_the_accounts(capsys):
    call_command("seed_demo", "--seed", "3")
    out = capsys.readouterr().out
    assert "29 villages" in out
    assert f"password: {DEFAULT_PASSWORD}" in out
    assert "grid_a" in out and "网格员" in out and "东河口村" in out
    call_command("seed_demo")
    assert "already loaded" in capsys.readouterr().out
