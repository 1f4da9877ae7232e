"""The figures of the leaders' dashboard: the current month live and the last 12 months.

Every chart is one grouped query (``TruncMonth`` / ``values().annotate()``), never a query per
month or per village, so the page costs the same number of queries however many petitions
there are. Rates follow the definitions of ``reports.selectors`` (its module docstring), so the
dashboard's month agrees with that month's analysis.

**Overdue** on a day D: registered before D and, at the start of D, either past its route-by
date without being routed, or routed and past its handle-by date without a reply
(transferred and not-accepted cases are done with). The same rule gives the count now and at
the end of last month, and the list of cases below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Case, Count, DateField, F, Q, When
from django.db.models.functions import TruncMonth
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _

from core.models import Town, Village
from petitions.models import Petition
from petitions.permissions import petitions_visible_to
from petitions.selectors import unindexed_order
from petitions.states import Channel, Origin, Outcome
from reports.sections import CHANGE, DASH, INT, RATE, Cell
from reports.selectors import (
    ENDED_UNHANDLED,
    SATISFIED,
    TZ,
    Period,
    _counts,
    _local_day,
    _top_categories,
    month_of,
    months_before,
    share,
    top_problems,
)

TREND_MONTHS = 12
OVERDUE_SHOWN = 50
SCOPES = ("month", "year")


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: float | int | None
    previous: float | int | None
    is_rate: bool = False

    higher_is_better: bool | None = None

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 4) if self.is_rate else self.value - self.previous

    @property
    def display(self) -> str:
        return Cell(self.value, RATE if self.is_rate else INT).display

    @property
    def previous_display(self) -> str:
        return Cell(self.previous, RATE if self.is_rate else INT).display

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return DASH
        if self.is_rate:
            return _("%(points)s percentage points") % {"points": f"{change * 100:+.2f}"}
        return Cell(change, CHANGE).display

    @property
    def trend(self) -> str:
        """good / bad / neutral, for the colour of the change."""
        change = self.change
        if not change or self.higher_is_better is None:
            return "neutral"
        return "good" if (change > 0) == self.higher_is_better else "bad"


# The route-by date of a case not yet routed and the handle-by date of one not yet replied to
# (NULL once it is, and NULL is never "before" a day). Migration 0012 indexes exactly these
# expressions on PostgreSQL: the index finds the few cases past such a date, and the statistics
# PostgreSQL keeps on an indexed expression tell the planner how few they are. Written as two
# conditions ("replied_at IS NULL AND handle_due < day") it multiplied their shares as if they
# were independent and expected ~55,000 of a million, when the unreplied cases are the recent
# ones, mostly not yet due; with that guess it read the table instead of the index.
UNROUTED_ROUTE_DUE = Case(When(routed_at__isnull=True, then=F("route_due")), output_field=DateField())
UNREPLIED_HANDLE_DUE = Case(When(replied_at__isnull=True, then=F("handle_due")), output_field=DateField())


def overdue_arms(day: date) -> list:
    """The overdue rule of the module docstring, for the start of ``day``, as four alternatives
    that exclude one another, each with one condition an index answers, so PostgreSQL reads four
    small index ranges instead of every petition.

    The same rows as the rule read literally (tests/reports/test_overdue_rule.py): the ANDs
    are distributed over the ORs, and "routed_at IS NULL AND route_due < day" becomes
    "UNROUTED_ROUTE_DUE < day" (likewise for the reply), which is NULL where the literal form
    is FALSE: the same in a filter or a ``Count(filter=…)``, so never negate these arms."""
    lo = datetime.combine(day, datetime.min.time(), TZ)
    registered = Q(registered_at__lt=lo)
    routed_before = Q(routed_at__lt=lo) & ~Q(state__in=ENDED_UNHANDLED)
    return [
        registered & LessThan(UNROUTED_ROUTE_DUE, day),  # never routed
        registered & Q(route_due__lt=day, routed_at__gte=lo),  # routed only on the day or since
        registered & routed_before & LessThan(UNREPLIED_HANDLE_DUE, day),  # never replied
        registered & routed_before & Q(handle_due__lt=day, replied_at__gte=lo),  # replied on the day or since
    ]


def overdue_q(day: date) -> Q:
    """The overdue rule of the module docstring, for the start of ``day`` (see ``overdue_arms``)."""
    return reduce(or_, overdue_arms(day))


# Most overdue first. The first key is an expression on purpose: ordered by the bare column,
# PostgreSQL may walk the whole next_due index hoping to meet 50 overdue cases early (it did
# whenever it expected more than a few thousand), and with fewer than 50 that reads every
# petition (~310 ms on a million). The overdue cases come from the indexes and are sorted:
# ~4 ms with none, ~25 ms with 30,000 (where the walk would take 2 ms; plans in
# bench/plans/dashboard-overdue.txt).
OVERDUE_ORDER = (unindexed_order("next_due"), "registered_at", "id")


def _month_key(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def trend(town: Town, *, last: Period, months: int = TREND_MONTHS) -> dict:
    """Per month for ``months`` months ending with ``last``: volume and the four rates, with
    their bases. Three grouped queries (by registration, reply and rating month)."""
    first = months_before(last, months - 1)
    periods = [months_before(first, -i) for i in range(months)]
    index = {p.start: i for i, p in enumerate(periods)}
    lo, hi = first.lo, last.hi
    petitions = Petition.objects.filter(town=town)
    series = {
        key: [0] * months for key in ("registered", "responded", "replied", "resolved", "on_time", "rated", "satisfied")
    }

    def fill(rows) -> None:
        for row in rows:
            i = index.get(_month_key(row.pop("month")))
            if i is not None:
                for key, n in row.items():
                    series[key][i] += n

    def by_month(field: str, base: Q, **counts):
        return (
            petitions.filter(base, **{f"{field}__gte": lo, f"{field}__lt": hi})
            .annotate(month=TruncMonth(field, tzinfo=TZ))
            .values("month")
            .annotate(**counts)
            .values("month", *counts)
        )

    fill(
        by_month(
            "registered_at",
            Q(),
            registered=Count("id"),
            responded=Count("id", filter=Q(route_due__gte=_local_day("routed_at"))),
        ),
    )
    fill(
        by_month(
            "replied_at",
            Q(),
            replied=Count("id"),
            resolved=Count("id", filter=Q(outcome__in=(Outcome.SUPPORTED, Outcome.EXPLAINED))),
            on_time=Count("id", filter=Q(handle_due__gte=_local_day("replied_at"))),
        ),
    )
    fill(
        by_month(
            "rated_at",
            ~Q(satisfaction=""),
            rated=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)),
        ),
    )
    rates = {
        "response": [share(a, b) for a, b in zip(series["responded"], series["registered"], strict=True)],
        "resolution": [share(a, b) for a, b in zip(series["resolved"], series["replied"], strict=True)],
        "satisfaction": [share(a, b) for a, b in zip(series["satisfied"], series["rated"], strict=True)],
        "on_time": [share(a, b) for a, b in zip(series["on_time"], series["replied"], strict=True)],
    }
    return {"months": [p.start.strftime("%Y-%m") for p in periods], **series, "rates": rates}


def overdue_counts(town: Town, *, today: date, last_month_end: date) -> dict:
    before = last_month_end + timedelta(days=1)
    # Only a case overdue on one of the two days counts: picked by the arms' indexes first
    # rather than by the FILTERs alone, which would read every petition of the town.
    either = reduce(or_, overdue_arms(today) + overdue_arms(before))
    return (
        Petition.objects.filter(town=town)
        .filter(either)
        .aggregate(now=Count("id", filter=overdue_q(today)), before=Count("id", filter=overdue_q(before)))
    )


def overdue_list(user, *, today: date):
    """The overdue cases the user may open (accusations only for inspectors), most overdue first."""
    return (
        petitions_visible_to(user)
        .filter(overdue_q(today))
        .select_related("unit", "responsible_leader", "village")
        .order_by(*OVERDUE_ORDER)
    )


def by_village(town: Town, period: Period) -> list[dict]:
    rows = (
        Village.objects.filter(town=town)
        .annotate(n=Count("petitions", filter=period.q("petitions__registered_at")))
        .order_by("-n", "code")
        .values("name", "n")
    )
    return [{"name": r["name"], "value": r["n"]} for r in rows]


def _labelled(counts: dict[str, int], choices) -> list[dict]:
    labels = dict(choices.choices)
    return [{"key": k, "name": str(labels.get(k, k)), "value": n} for k, n in counts.items()]


def figures(user, *, town: Town, today: date, scope: str = "month") -> dict:
    """Everything the dashboard shows."""
    month = month_of(today)
    last_month = months_before(month, 1)
    series = trend(town, last=month)
    overdue = overdue_counts(town, today=today, last_month_end=last_month.end)
    labels = {
        "registered": _("Petitions this month"),
        "response": _("Response rate"),
        "resolution": _("Resolution rate"),
        "satisfaction": _("Satisfaction rate"),
        "on_time": _("On-time rate"),
    }
    headlines = [Headline("registered", labels["registered"], series["registered"][-1], series["registered"][-2])]
    headlines += [
        Headline(key, labels[key], series["rates"][key][-1], series["rates"][key][-2], True, True)
        for key in ("response", "resolution", "satisfaction", "on_time")
    ]
    headlines.append(Headline("overdue", _("Overdue now"), overdue["now"], overdue["before"], False, False))
    period = month if scope == "month" else Period(months_before(month, TREND_MONTHS - 1).start, month.end)
    petitions = Petition.objects.filter(town=town)
    in_period = petitions.filter(period.q("registered_at"))
    categories = _top_categories(in_period, leaf=False, limit=100)
    return {
        "month": month,
        "last_month": last_month,
        "period": period,
        "headlines": headlines,
        "trend": series,
        "villages": by_village(town, period),
        "origins": _labelled(_counts(in_period, "origin", Origin), Origin),
        "channels": _labelled(_counts(in_period, "channel", Channel), Channel),
        "categories": [{"name": c["name"], "value": c["count"]} for c in categories],
        "top_problems": top_problems(petitions, month),
        "overdue_count": overdue["now"],
    }
