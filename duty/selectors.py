"""Reads for the roster pages and the public board."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from core.models import Role, Town, Village
from duty.assessment import no_skip_level_villages
from duty.models import LeaderOnDuty, ReceptionDay, StaffCard

RECEPTIONS_SHOWN = 8  # on the public page
RECEPTION_HORIZON = 60  # days ahead the public page looks for reception days
MONTH_RE = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")


def parse_month(value: str | None, *, today: date) -> date | None:
    """The first day of the month ``YYYY-MM`` names; this month when empty; None when malformed."""
    if not value:
        return today.replace(day=1)
    match = MONTH_RE.match(value.strip())
    if not match or not 2000 <= int(match["year"]) <= today.year + 1:
        return None
    return date(int(match["year"]), int(match["month"]), 1)


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` from a link, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def last_reception_place(town: Town) -> str:
    """Where the last reception day was held: the usual place, offered for the next one."""
    return ReceptionDay.objects.filter(town=town).order_by("-day", "-id").values_list("place", flat=True).first() or ""


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def town_leaders(town: Town) -> QuerySet:
    return get_user_model().objects.filter(town=town, role=Role.LEADER, is_active=True).order_by("username")


@dataclass(frozen=True)
class RosterDay:
    day: date
    duty: LeaderOnDuty | None
    receptions: list[ReceptionDay]

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


def roster_month(*, town: Town, first: date) -> list[RosterDay]:
    """Every day of the month with its leader on duty and reception days (two queries)."""
    end = next_month(first)
    duties = {
        d.day: d for d in LeaderOnDuty.objects.filter(town=town, day__gte=first, day__lt=end).select_related("leader")
    }
    receptions: dict[date, list[ReceptionDay]] = {}
    for r in ReceptionDay.objects.filter(town=town, day__gte=first, day__lt=end).select_related("leader"):
        receptions.setdefault(r.day, []).append(r)
    days = []
    day = first
    while day < end:
        days.append(RosterDay(day=day, duty=duties.get(day), receptions=receptions.get(day, [])))
        day += timedelta(days=1)
    return days


def staff_cards(*, town: Town, only_active: bool = False) -> QuerySet[StaffCard]:
    cards = StaffCard.objects.filter(town=town)
    return cards.filter(active=True) if only_active else cards


@dataclass(frozen=True)
class PublicToday:
    today: date
    on_duty: LeaderOnDuty | None
    receptions: list[ReceptionDay]


@dataclass(frozen=True)
class PublicMore:
    year: int
    title_villages: list[Village]
    cards: list[StaffCard]


def public_today(*, town: Town, today: date) -> PublicToday:
    """Today's leader on duty and the coming reception days (two queries)."""
    on_duty = LeaderOnDuty.objects.filter(town=town, day=today).select_related("leader").first()
    receptions = list(
        ReceptionDay.objects.filter(town=town, day__gte=today, day__lte=today + timedelta(days=RECEPTION_HORIZON))
        .select_related("leader")
        .order_by("day", "starts")[:RECEPTIONS_SHOWN]
    )
    return PublicToday(today=today, on_duty=on_duty, receptions=receptions)


def public_more(*, town: Town, today: date) -> PublicMore:
    """This year's no-skip-level villages and the staff cards shown to the public (two queries)."""
    return PublicMore(
        year=today.year,
        title_villages=list(no_skip_level_villages(town=town, today=today)),
        cards=list(staff_cards(town=town, only_active=True)),
    )
