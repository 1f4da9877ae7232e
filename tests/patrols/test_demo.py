from datetime import date, timedelta

import pytest

from desk.demo import build_demo
from patrols.models import Patrol, Risk

TODAY = date(2026, 11, 26)


@pytest.mark.django_db
def test_demo_has_a_year_of_patrols_in_every_village():
    result = build_demo(seed=5, today=TODAY, petitions=10)
    assert result.patrols == Patrol.objects.count() > 29 * 40
    assert Patrol.objects.values("village").distinct().count() == 29
    assert Patrol.objects.filter(day__gt=TODAY).count() == 0
    assert all(p.grid.village_id == p.village_id for p in Patrol.objects.select_related("grid")[:200])
    assert result.risks == Risk.objects.count() > 0
    assert not Risk.objects.filter(state=Risk.State.OPEN, found_on__lt=TODAY - timedelta(days=14)).exists()
    assert Risk.objects.filter(state=Risk.State.RESOLVED).count() > Risk.objects.count() * 0.8


@pytest.mark.django_db
def test_demo_patrols_are_reproducible():
    build_demo(seed=5, today=TODAY, petitions=10)
    first = list(
        Patrol.objects.order_by("worker__username", "day").values_list("worker__username", "day", "route")[:50]
    )
    assert len(first) == 50
    Risk.objects.all().delete()
    Patrol.objects.all().delete()
    from patrols.demo import seed_patrols

    town = build_demo(seed=5, today=TODAY, petitions=10).town
    seed_patrols(town=town, start=date(2026, 1, 1), end=TODAY, seed=5)
    again = list(
        Patrol.objects.order_by("worker__username", "day").values_list("worker__username", "day", "route")[:50]
    )
    assert again == first
