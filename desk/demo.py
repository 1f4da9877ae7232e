"""Builds the demo town across the apps: town and staff (core), handling units and a year
of petitions (petitions). Later apps add their part here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from accountability import demo as accountability_demo
from accountability.demo import AccountabilityDemo
from core import statistics
from core.demo import DEFAULT_PASSWORD, seed_town
from core.models import Town
from duty import demo as duty_demo
from mediation import demo as mediation_demo
from mediation.demo import MediationDemo
from patrols import demo as patrols_demo
from petitions import demo as petitions_demo
from petitions import services as petition_services
from petitions.models import Petition

ARTICLE_PETITIONS = 860  # "this year: 860 demands" — the source article


@dataclass(frozen=True)
class DemoResult:
    town: Town
    created_users: int
    petitions: int
    already_loaded: bool
    patrols: int = 0
    risks: int = 0
    mediation: MediationDemo | None = None
    accountability: AccountabilityDemo | None = None


@transaction.atomic
def build_demo(
    *,
    seed: int = 2026,
    password: str = DEFAULT_PASSWORD,
    petitions: int = ARTICLE_PETITIONS,
    months: int | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    peak_month: int = 0,
) -> DemoResult:
    """The town, its staff and units, and `petitions` petitions: by default this year's
    (1 January to today); with `months`, spread over that many months back from today; with
    `peak_month`, that many of them in the last full month (the benchmark's busy month)."""
    staff = seed_town(seed=seed, password=password)
    town = staff.town
    petition_services.units_ensure(town=town)
    if staff.already_loaded:
        return DemoResult(town=town, created_users=0, petitions=0, already_loaded=True)
    petitions_demo.staff_units(town=town)
    petitions_demo.responsibility_rules(town=town)
    today = today or timezone.localdate()
    start = date(today.year, 1, 1) if months is None else _months_back(today, months)
    created = 0
    if petitions and not Petition.objects.filter(town=town).exists():
        created = petitions_demo.seed_petitions(
            town=town, count=petitions, start=start, end=today, seed=seed, progress=progress, peak=peak_month
        )
    patrols, risks = patrols_demo.seed_patrols(town=town, start=date(today.year, 1, 1), end=today, seed=seed)
    mediation = mediation_demo.seed_mediation(town=town, year_start=date(today.year, 1, 1), today=today, seed=seed)
    accountability = accountability_demo.seed_accountability(
        town=town, year_start=date(today.year, 1, 1), today=today, seed=seed
    )
    duty_demo.seed_duty(town=town, today=today, seed=seed)
    statistics.refresh()  # the planner's view of the tables just loaded
    return DemoResult(
        town=town,
        created_users=staff.created_users,
        petitions=created,
        already_loaded=False,
        patrols=patrols,
        risks=risks,
        mediation=mediation,
        accountability=accountability,
    )


def _months_back(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, 1)
