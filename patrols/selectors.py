from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from core.models import Village
from patrols.models import Patrol, Risk
from patrols.permissions import patrols_visible_to, risks_visible_to
from petitions.models import Petition
from petitions.permissions import petitions_visible_to
from petitions.states import OPEN_STATES


@dataclass(frozen=True)
class VillageWeek:
    village: Village
    week_start: date
    open_petitions: QuerySet[Petition]
    open_risks: QuerySet[Risk]
    patrols: QuerySet[Patrol]
    skip_level_this_year: int


def village_week(*, user, village: Village) -> VillageWeek:
    """The village's open cases (soonest deadline first), open risks, this week's patrols,
    and whether it is still a "no skip-level petition" village this year."""
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday())
    petitions = petitions_visible_to(user).filter(village=village)
    return VillageWeek(
        village=village,
        week_start=week_start,
        open_petitions=petitions.filter(state__in=OPEN_STATES)
        .select_related("category", "unit")
        .order_by("next_due", "registered_at")[:50],
        open_risks=risks_visible_to(user).filter(village=village, state=Risk.State.OPEN).select_related("grid")[:50],
        patrols=patrols_visible_to(user)
        .filter(village=village, day__gte=week_start)
        .select_related("grid", "worker")[:50],
        skip_level_this_year=Petition.objects.filter(
            village=village, is_skip_level=True, registered_at__year=today.year
        ).count(),
    )
