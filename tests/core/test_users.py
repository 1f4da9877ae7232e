import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import services
from core.models import Role, User
from tests.factories import UserFactory


def test_grid_worker_without_grid_is_refused_by_the_database(town, village_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.GRID_WORKER, town=town, village=village_a, grid=None)


def test_mediator_without_village_is_refused_by_the_database(town):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.MEDIATOR, town=town, village=None)


def test_user_create_validates_grid_lies_in_village(town, village_a, grid_b):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            username="x", password="A-long-pass-99", role=Role.GRID_WORKER, town=town, village=village_a, grid=grid_b
        )
    assert "grid" in error.value.message_dict
    assert not User.objects.filter(username="x").exists()


def test_user_create_makes_administrators_staff(town):
    user = services.user_create(username="boss", password="A-long-pass-99", role=Role.ADMIN, town=town)
    assert user.is_staff and user.is_superuser
    clerk = services.user_create(username="desk", password=None, role=Role.DESK_CLERK, town=town)
    assert not clerk.is_staff
    assert not clerk.has_usable_password()
