"""The dashboard's overdue rule as written for the indexes (``reports.dashboard.overdue_arms``)
picks exactly the cases the rule of the module docstring names, read literally in Python:
named edge cases first, then every combination of dates around the start of a day, through
the count, the list (and its order) and the arms one by one."""

from __future__ import annotations

import copy
import itertools
from datetime import date, datetime, time, timedelta

import pytest

from petitions.models import Petition
from petitions.permissions import petitions_visible_to
from petitions.states import State
from reports import dashboard
from reports.selectors import ENDED_UNHANDLED, TZ

D = date(2026, 3, 20)
LO = datetime.combine(D, time.min, TZ)  # the start of D, in the town's time zone
SECOND = timedelta(seconds=1)


def overdue_in_python(p: Petition, day: date) -> bool:
    """The module docstring's rule, word for word: registered before the day and, at its start,
    past the route-by date without being routed, or routed and past the handle-by date without
    a reply (transferred and not-accepted cases are done with)."""
    lo = datetime.combine(day, time.min, TZ)
    if not p.registered_at < lo:
        return False
    routed = p.routed_at is not None and p.routed_at < lo
    replied = p.replied_at is not None and p.replied_at < lo
    not_routed = p.route_due < day and not routed
    not_replied = (
        routed and p.handle_due is not None and p.handle_due < day and not replied and p.state not in ENDED_UNHANDLED
    )
    return not_routed or not_replied


@pytest.fixture
def clones(register):
    """``clones(rows)``: petitions like one registered case, with the given fields, in one insert."""
    base = register(title="逾期规则")

    def _clones(rows: list[dict]) -> list[Petition]:
        made = []
        for i, fields in enumerate(rows):
            p = copy.copy(base)
            p.pk = None
            p._state.adding = True
            p.tracking_number = f"OVD-{i:05d}"
            p.client_token = None
            for name, value in fields.items():
                setattr(p, name, value)
            made.append(p)
        return Petition.objects.bulk_create(made)

    return _clones


def day(n: int) -> date:
    """``n`` days after D."""
    return D + timedelta(days=n)


def at(days: float = 0, hours: float = 0) -> datetime:
    """A moment relative to the start of D."""
    return LO + timedelta(days=days, hours=hours)


UNROUTED = {"registered_at": at(-20), "route_due": day(-1), "state": State.REGISTERED}
ROUTED = {"registered_at": at(-90), "route_due": day(-75), "routed_at": at(-80), "state": State.HANDLING}
# (name, overdue on D, fields)
EDGE_CASES = [
    ("never routed, past the route-by date", True, UNROUTED),
    ("never routed, route-by date today", False, {**UNROUTED, "route_due": D}),
    ("registered today", False, {**UNROUTED, "registered_at": LO}),
    ("registered a second before the day", True, {**UNROUTED, "registered_at": LO - SECOND}),
    ("routed today, late", True, {**UNROUTED, "routed_at": at(hours=9), "state": State.HANDLING}),
    ("transferred at the stroke of midnight, late", True, {**UNROUTED, "routed_at": LO, "state": State.TRANSFERRED}),
    ("routed late, but yesterday", False, {**UNROUTED, "routed_at": LO - SECOND, "state": State.HANDLING}),
    ("routed, past the handle-by date, never replied", True, {**ROUTED, "handle_due": day(-1)}),
    ("routed, handle-by date today", False, {**ROUTED, "handle_due": D}),
    ("routed, no handle-by date", False, ROUTED),
    ("replied today, late", True, {**ROUTED, "handle_due": day(-1), "replied_at": at(hours=3), "state": State.REPLIED}),
    ("replied at midnight, closed", True, {**ROUTED, "handle_due": day(-1), "replied_at": LO, "state": State.CLOSED}),
    ("replied late, but yesterday", False, {**ROUTED, "handle_due": day(-2), "replied_at": LO - SECOND}),
    ("ended unhandled: transferred", False, {**ROUTED, "handle_due": day(-1), "state": State.TRANSFERRED}),
    ("ended unhandled: not accepted", False, {**ROUTED, "handle_due": day(-1), "state": State.NOT_ACCEPTED}),
    ("closed in time", False, {**ROUTED, "handle_due": day(-10), "replied_at": at(-20), "state": State.CLOSED}),
]


def test_named_edge_cases(clones, town):
    cases = clones([fields for _name, _overdue, fields in EDGE_CASES])
    found = set(Petition.objects.filter(dashboard.overdue_q(D)).values_list("pk", flat=True))
    for (name, overdue, _fields), p in zip(EDGE_CASES, cases, strict=True):
        assert overdue_in_python(p, D) is overdue, name
        assert (p.pk in found) is overdue, name
    counts = dashboard.overdue_counts(town, today=D, last_month_end=D - timedelta(days=1))
    assert counts == {"now": len(found), "before": len(found)}


# Dates and moments on, just before and after the start of D and of the days either side.
GRID = {
    "registered_at": (at(-40), LO - SECOND, LO),
    "route_due": (day(-2), day(-1), D),
    "routed_at": (None, at(-20), LO - SECOND, LO, at(hours=5)),
    "handle_due": (None, day(-2), day(-1), D),
    "replied_at": (None, LO - SECOND, LO, at(hours=5)),
    "state": (State.HANDLING, State.CLOSED, State.TRANSFERRED, State.NOT_ACCEPTED),
}
NEXT_DUE = (None, day(-3), day(3))  # ties and NULLs for the order


def test_every_combination_of_dates_around_the_day(clones, town, leader):
    rows = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    for i, row in enumerate(rows):
        row["next_due"] = NEXT_DUE[i % len(NEXT_DUE)]
    clones(rows)
    everything = list(Petition.objects.all())
    for when in (day(-1), D, day(1)):
        expected = {p.pk for p in everything if overdue_in_python(p, when)}
        assert expected and len(expected) < len(everything)
        assert set(Petition.objects.filter(dashboard.overdue_q(when)).values_list("pk", flat=True)) == expected
        # The arms exclude one another and together make the rule.
        arms = [set(Petition.objects.filter(arm).values_list("pk", flat=True)) for arm in dashboard.overdue_arms(when)]
        assert sum(len(arm) for arm in arms) == len(expected) and set().union(*arms) == expected
        assert when != D or all(arms)  # the grid reaches every arm
        # The count, now and on another day, in its one query.
        other = when - timedelta(days=1)
        before = {p.pk for p in everything if overdue_in_python(p, other)}
        counts = dashboard.overdue_counts(town, today=when, last_month_end=other - timedelta(days=1))
        assert counts == {"now": len(expected), "before": len(before)}
        # The list: the same cases, in the order of the bare columns (NULLs where this
        # database puts them).
        listed = list(dashboard.overdue_list(leader, today=when).values_list("pk", flat=True))
        in_order = list(
            petitions_visible_to(leader)
            .filter(pk__in=expected)
            .order_by("next_due", "registered_at", "id")
            .values_list("pk", flat=True)
        )
        assert listed == in_order
