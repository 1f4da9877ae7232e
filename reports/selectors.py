"""The figures of the weekly circular and the monthly analysis, computed in the database.

Every count is an aggregate (``Count`` with ``Q`` filters, ``values().annotate()``); Python
only arranges the grouped rows and divides. Periods are dates in Asia/Shanghai; a period
``[start, end]`` covers ``start 00:00`` up to (not including) ``end + 1 day 00:00``.

Definitions (all shares are rounded to 4 decimals; ``None`` when the base is zero):

- **response rate** (响应率): petitions registered in the period that were routed (accepted,
  assigned, transferred or not accepted) no later than their route-by date, over all
  petitions registered in the period.
- **resolution rate** (解决率): petitions replied in the period whose outcome is *supported*
  or *explained*, over all petitions replied in the period. "Not supported" is closed but
  not resolved; closing, resolving and satisfying stay three separate facts.
- **satisfaction rate** (满意率): ratings given in the period (follow-up visit or the
  resident's own rating) that are *satisfied* or *basically satisfied*, over all ratings
  given in the period.
- **on-time rate**: petitions replied in the period on or before their handle-by date, over
  all replied in the period.
- **redo rate** (重办率): follow-up visits in the period that sent the case back to the unit
  (dissatisfied for the unit's own reasons), over all follow-up visits in the period.
- **return rate** (回退率): objections (misrouted, sent back to the desk) in the period, over
  assignments in the period.
- **average days to close**: mean of (closed − registered) in days over petitions closed
  after a reply in the period.
- **far above the baseline** (early warning): this period's count ≥ mean + 2 × the
  population standard deviation of the 12 previous calendar months (months without
  petitions count as 0) **and** at least ``WARNING_MIN_EXCESS`` (5) above that mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from core.identity import mask_name
from core.models import Role, Town, Village
from petitions.models import Category, HandlingUnit, Petition, Petitioner, PetitionPetitioner, TimelineEntry
from petitions.states import OPEN_STATES, Action, Channel, Kind, Origin, Outcome, Satisfaction, State

TZ = ZoneInfo("Asia/Shanghai")
FIGURES_VERSION = 2  # 2: accountability figures; accusations kept out of the named lists
SATISFACTION_FLOOR = 0.85  # units under this satisfaction rate are named in the circular
WARNING_SIGMAS = 2
WARNING_MIN_EXCESS = 5
BASELINE_MONTHS = 12  # the early warning's baseline
TOP_PROBLEMS = 10
REPEAT_PETITIONER_WINDOW = 90  # days
REPEAT_PETITIONER_MIN = 3
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
CLOSED_STATES = (State.CLOSED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW, State.FINAL)
ENDED_UNHANDLED = (State.TRANSFERRED, State.NOT_ACCEPTED)
PER_UNIT = ("dispatched", "closed_on_time", "closed_late", "open", "dissatisfied")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def lo(self) -> datetime:
        return datetime.combine(self.start, time.min, TZ)

    @property
    def hi(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, TZ)

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.lo, f"{field}__lt": self.hi})


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def months_before(period: Period, n: int) -> Period:
    year, month = divmod(period.start.year * 12 + period.start.month - 1 - n, 12)
    return month_of(date(year, month + 1, 1))


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _change(now: int, before: int) -> dict:
    return {"count": now, "previous": before, "change": now - before, "change_rate": share(now - before, before)}


def _local_day(field: str):
    return TruncDate(field, tzinfo=TZ)


def _top_category():
    return Coalesce("category__parent", "category")


def _categories(ids) -> dict[int, Category]:
    return {c.pk: c for c in Category.objects.filter(pk__in=list(ids)).select_related("parent")}


def _category_row(category: Category, count: int, total: int) -> dict:
    return {"code": category.code, "name": str(category), "count": count, "share": share(count, total)}


# --- shared pieces -------------------------------------------------------------------------
#
# Each statement is bounded by its period on an indexed date column (petitions migrations
# 0012 and 0013) and groups in the database: Python sees a row per unit, village, category
# or choice, never one per petition. Scopes: the totals count the town's petitions; a
# village's or a unit's figures count the petitions of that village or unit of the town.


def _town_villages(town: Town) -> list[dict]:
    """The town's villages in code order: the order a tie keeps in the rankings."""
    return list(Village.objects.filter(town=town).order_by("code").values("pk", "code", "name"))


def _town_units(town: Town) -> list[dict]:
    return list(HandlingUnit.objects.filter(town=town).order_by("sort", "id").values("pk", "name"))


def _town_or_villages(town: Town, villages: list[dict]) -> Q:
    """The town's petitions and those of its villages (``Village.petitions``): grouped by town
    and village, one statement answers the totals, the rows without a village and each
    village's count."""
    return Q(town=town) | Q(village__in=[v["pk"] for v in villages])


# _counts, _top_categories and top_problems also serve the leaders' dashboard.
def _counts(qs, field: str, choices) -> dict[str, int]:
    got = dict(qs.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    return {value: got.get(value, 0) for value in choices.values}


def _tally(rows: list[dict], field: str, choices, count: str = "n") -> dict[str, int]:
    """``_counts`` of rows already grouped by ``field`` and more."""
    got: dict = {}
    for r in rows:
        got[r[field]] = got.get(r[field], 0) + r[count]
    return {value: got.get(value, 0) for value in choices.values}


def _top_categories(qs, *, leaf: bool, limit: int) -> list[dict]:
    key = F("category") if leaf else _top_category()
    rows = list(qs.annotate(cat=key).values("cat").annotate(n=Count("id")).order_by("-n", "cat")[:limit])
    cats = _categories(r["cat"] for r in rows)
    total = qs.count()
    return [_category_row(cats[r["cat"]], r["n"], total) for r in rows]


def _all_categories() -> dict[int, Category]:
    """Every category with its parent: a small reference table, read once per report."""
    return {c.pk: c for c in Category.objects.select_related("parent")}


def _ranked(counts: dict[int, int], limit: int) -> list[tuple[int, int]]:
    """(category, count) of counts already grouped by category, most first, then by id: the
    rows ``_top_categories`` ranks in SQL."""
    return sorted(((pk, n) for pk, n in counts.items() if n), key=lambda item: (-item[1], item[0]))[:limit]


def _by_top_category(counts: dict[int, int], cats: dict[int, Category]) -> dict[int, int]:
    """Leaf counts summed by top-level category (the category's parent, or itself)."""
    out: dict[int, int] = {}
    for pk, n in counts.items():
        top = cats[pk].parent_id or pk
        out[top] = out.get(top, 0) + n
    return out


def _overdue(town: Town, period: Period) -> list[dict]:
    """Open petitions registered by the end of the period whose next deadline passed by then
    (``next_due`` ≤ the period's last day, i.e. red on the morning after). Reports go to
    villages and units: accusations (Art. 30) are counted in the totals but never named."""
    rows = (
        Petition.objects.filter(town=town, state__in=OPEN_STATES, registered_at__lt=period.hi, next_due__lte=period.end)
        .exclude(kind=Kind.ACCUSATION)
        .order_by("next_due", "tracking_number")
        .values(
            "tracking_number",
            "state",
            "next_due",
            "unit__name",
            "responsible_leader__full_name",
            "responsible_leader__username",
            "village__name",
        )
    )
    after = period.end + timedelta(days=1)
    return [
        {
            "tracking_number": r["tracking_number"],
            "state": r["state"],
            "next_due": r["next_due"].isoformat(),
            "days_overdue": (after - r["next_due"]).days,
            "unit": r["unit__name"] or "",
            "responsible_leader": r["responsible_leader__full_name"] or r["responsible_leader__username"] or "",
            "village": r["village__name"] or "",
        }
        for r in rows
    ]


def _unit_rates(town: Town, period: Period) -> list[dict]:
    """Per handling unit over the period: replied (on time), due-and-unanswered, ratings."""
    units = _town_units(town)
    replied = period.q("replied_at")
    rated = period.q("rated_at") & ~Q(satisfaction="")
    unanswered = Q(state=State.HANDLING, handle_due__lte=period.end)
    counts = {
        r["unit"]: r
        for r in Petition.objects.filter(replied | rated | unanswered, unit__in=[u["pk"] for u in units])
        .values("unit")
        .annotate(
            replied=Count("id", filter=replied),
            on_time=Count("id", filter=replied & Q(handle_due__gte=_local_day("replied_at"))),
            unanswered=Count("id", filter=unanswered),
            rated=Count("id", filter=rated),
            satisfied=Count("id", filter=rated & Q(satisfaction__in=SATISFIED)),
        )
    }
    out = []
    for unit in units:
        r = counts.get(unit["pk"])
        if r is None or not (r["replied"] or r["unanswered"] or r["rated"]):
            continue
        out.append(
            {
                "name": unit["name"],
                **{key: r[key] for key in ("replied", "on_time", "unanswered", "rated", "satisfied")},
                "on_time_rate": share(r["on_time"], r["replied"]),
                "reply_rate": share(r["replied"], r["replied"] + r["unanswered"]),
                "satisfaction_rate": share(r["satisfied"], r["rated"]),
            }
        )
    return out


def _of_town(entries, town: Town):
    """Timeline entries of the town's petitions, asked as "not of another town's petition":
    the database then looks up the other towns' petitions by the town index (none at all in a
    one-town installation) instead of joining every entry of the period to its petition. The
    same rows: every entry has its petition (a foreign key, not null), every petition a town.
    ``<`` or ``>`` rather than ``≠``, which no index answers."""
    others = Petition.objects.filter(Q(town_id__lt=town.pk) | Q(town_id__gt=town.pk), pk=OuterRef("petition_id"))
    return entries.filter(~Exists(others))


# --- the weekly circular -------------------------------------------------------------------


def _two_weeks_by_village(town: Town, now: Period, before: Period) -> tuple[list[dict], dict, dict]:
    """Petitions registered in the week ``now`` and the week ``before`` it: each village of
    the town ranked by this week (a tie in code order), the town's total and its petitions
    without a village (each ``{"now": n, "before": n}``). One statement, grouped by town and
    village."""
    villages = _town_villages(town)
    total, without = {"now": 0, "before": 0}, {"now": 0, "before": 0}
    per_village: dict[int, dict] = {}
    # Counting a column of petition_report_registered (COUNT(*) takes no filter in Django)
    # keeps the statement to that index.
    rows = (
        Petition.objects.filter(
            _town_or_villages(town, villages), registered_at__gte=before.lo, registered_at__lt=now.hi
        )
        .values("town", "village")
        .annotate(
            now=Count("registered_at", filter=now.q("registered_at")),
            before=Count("registered_at", filter=before.q("registered_at")),
        )
    )
    for r in rows:
        into = []
        if r["town"] == town.pk:
            into += [total, without] if r["village"] is None else [total]
        if r["village"] is not None:
            into.append(per_village.setdefault(r["village"], {"now": 0, "before": 0}))
        for counts in into:
            counts["now"] += r["now"]
            counts["before"] += r["before"]
    zero = {"now": 0, "before": 0}
    ranked = sorted(villages, key=lambda v: -per_village.get(v["pk"], zero)["now"])  # stable
    by_village = []
    for rank, v in enumerate(ranked, start=1):
        counts = per_village.get(v["pk"], zero)
        by_village.append(
            {"rank": rank, "code": v["code"], "name": v["name"], **_change(counts["now"], counts["before"])}
        )
    return by_village, total, without


def weekly_circular(*, town: Town, week_start: date, floor: float | None = None) -> dict:
    """The weekly petition circular (访情周通报) for the Monday–Sunday week from ``week_start``.

    Unit rates: *on-time* = replied this week on or before the handle-by date / replied this
    week; *reply* = replied this week / (replied this week + still being handled with the
    handle-by date passed by Sunday); *satisfaction* = satisfied or basically satisfied /
    rated this week. A unit has "100%" when all three are 1.0 (it replied and was rated);
    a unit is under the floor when its satisfaction rate is below ``floor``."""
    floor = getattr(settings, "REPORTS_SATISFACTION_FLOOR", SATISFACTION_FLOOR) if floor is None else floor
    week = week_of(week_start)
    before = week_of(week.start - timedelta(days=7))
    petitions = Petition.objects.filter(town=town)
    new = petitions.filter(week.q("registered_at"))
    villages, total, without_village = _two_weeks_by_village(town, week, before)
    # The two weeks by origin, type and category: the origins' change, this week's types and
    # top categories, from one statement.
    by_choice = list(
        petitions.filter(registered_at__gte=before.lo, registered_at__lt=week.hi)
        .values("origin", "kind", "category")
        .annotate(
            now=Count("registered_at", filter=week.q("registered_at")),
            before=Count("registered_at", filter=before.q("registered_at")),
        )
    )
    by_category: dict[int, int] = {}
    for r in by_choice:
        if r["now"]:
            by_category[r["category"]] = by_category.get(r["category"], 0) + r["now"]
    cats = _all_categories() if by_category else {}
    origins_now, origins_before = (
        _tally(by_choice, "origin", Origin, "now"),
        _tally(by_choice, "origin", Origin, "before"),
    )
    ended = petitions.filter(week.q("closed_at"), state__in=(*CLOSED_STATES, *ENDED_UNHANDLED)).aggregate(
        closed=Count("id", filter=Q(state__in=CLOSED_STATES)),
        ended_unhandled=Count("id", filter=Q(state__in=ENDED_UNHANDLED)),
    )
    # Both named lists in one statement, each kept in tracking-number order.
    flagged = list(
        new.filter(Q(is_skip_level=True) | Q(is_repeat=True))
        .exclude(kind=Kind.ACCUSATION)
        .order_by("tracking_number")
        .values_list("tracking_number", "is_skip_level", "is_repeat")
    )
    dissatisfied = (
        TimelineEntry.objects.filter(petition__town=town, action=Action.FOLLOW_UP)
        .exclude(petition__kind=Kind.ACCUSATION)
        .filter(week.q("at"))
        .filter(Q(to_state=State.HANDLING) | Q(to_state=State.CLOSED, petition__satisfaction=Satisfaction.DISSATISFIED))
        .order_by("at", "id")
        .values("petition__tracking_number", "petition__unit__name", "to_state")
    )
    units = _unit_rates(town, week)
    return {
        "kind": "weekly_circular",
        "version": FIGURES_VERSION,
        "period": {"start": week.start.isoformat(), "end": week.end.isoformat()},
        "new": _change(total["now"], total["before"]),
        "by_origin": {o: _change(origins_now[o], origins_before[o]) for o in Origin.values},
        "by_village": villages,
        "without_village": _change(without_village["now"], without_village["before"]),
        "by_kind": _tally(by_choice, "kind", Kind, "now"),
        "top_categories": [
            _category_row(cats[pk], n, total["now"]) for pk, n in _ranked(_by_top_category(by_category, cats), 5)
        ],
        "closed": ended["closed"],
        "ended_unhandled": ended["ended_unhandled"],
        "overdue": _overdue(town, week),
        "skip_level": [number for number, skip_level, _repeat in flagged if skip_level],
        "repeat": [number for number, _skip_level, repeat in flagged if repeat],
        "dissatisfied_follow_ups": [
            {
                "tracking_number": r["petition__tracking_number"],
                "unit": r["petition__unit__name"] or "",
                "redo": r["to_state"] == State.HANDLING,
            }
            for r in dissatisfied
        ],
        "units": units,
        "units_full_marks": [
            u["name"] for u in units if u["on_time_rate"] == 1 and u["reply_rate"] == 1 and u["satisfaction_rate"] == 1
        ],
        "satisfaction_floor": floor,
        "units_under_floor": [
            {"name": u["name"], "satisfaction_rate": u["satisfaction_rate"]}
            for u in units
            if u["satisfaction_rate"] is not None and u["satisfaction_rate"] < floor
        ],
        "village_ranking": [{"rank": v["rank"], "name": v["name"], "count": v["count"]} for v in villages],
    }


# --- the monthly analysis ------------------------------------------------------------------


def _monthly_counts(qs, fields: tuple[str, ...], first: Period, months: int) -> dict[tuple, list[int]]:
    """{(values of ``fields``): [count of month 1, …, count of month n]} of the petitions
    registered in the ``months`` calendar months from ``first``: one statement grouped by the
    fields and the local month."""
    index = {months_before(first, -i).start: i for i in range(months)}
    rows = (
        qs.filter(registered_at__gte=first.lo, registered_at__lt=months_before(first, -months).lo)
        .annotate(month=TruncMonth("registered_at", tzinfo=TZ))
        .values(*fields, "month")
        .annotate(n=Count("*"))
    )
    series: dict[tuple, list[int]] = {}
    for r in rows:
        month = r["month"]
        month = month.date() if isinstance(month, datetime) else month
        series.setdefault(tuple(r[f] for f in fields), [0] * months)[index[month]] += r["n"]
    return series


def _far_above(series: dict, now: int) -> list[dict]:
    """Keys whose count in month ``now`` of the series is far above their own baseline, the
    months before it (module docstring)."""
    flagged = []
    for key, counts in series.items():
        count = counts[now]
        if not count:
            continue
        values = counts[:now]
        mean = sum(values) / BASELINE_MONTHS
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / BASELINE_MONTHS)
        if count >= mean + WARNING_SIGMAS * sd and count >= mean + WARNING_MIN_EXCESS:
            flagged.append({"key": key, "count": count, "mean": round(mean, 2), "sd": round(sd, 2)})
    return sorted(flagged, key=lambda f: (-f["count"], str(f["key"])))


def _repeat_petitioners(town: Town, end: datetime) -> list[dict]:
    start = end - timedelta(days=REPEAT_PETITIONER_WINDOW)
    rows = list(
        PetitionPetitioner.objects.filter(
            petition__town=town, petition__registered_at__gte=start, petition__registered_at__lt=end
        )
        .exclude(petition__kind=Kind.ACCUSATION)
        .values("petitioner")
        # A person is linked to a petition once (petitioner_once_per_petition): the links are
        # the distinct petitions, counted without DISTINCT's sort.
        .annotate(n=Count("*"))
        .filter(n__gte=REPEAT_PETITIONER_MIN)
        .order_by("-n", "petitioner")
    )
    # The names of the few people flagged, not of every link of the 90 days.
    names = dict(Petitioner.objects.filter(pk__in=[r["petitioner"] for r in rows]).values_list("pk", "name"))
    return [{"petitioner": mask_name(names[r["petitioner"]]), "count": r["n"]} for r in rows]


def _per_unit(town: Town, month: Period) -> list[dict]:
    """Per handling unit, for the petitions routed to it in the month (as they stand now)."""
    units = _town_units(town)
    closed = Q(state__in=CLOSED_STATES)
    on_time = Q(handle_due__gte=_local_day("replied_at"))
    counts = {
        r["unit"]: r
        for r in Petition.objects.filter(month.q("routed_at"), unit__in=[u["pk"] for u in units])
        .values("unit")
        .annotate(
            dispatched=Count("id"),
            closed_on_time=Count("id", filter=closed & on_time),
            closed_late=Count("id", filter=closed & ~on_time),
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            dissatisfied=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED) | Q(redo_count__gt=0)),
        )
    }
    rows = [
        {"name": u["name"], **{key: c[key] for key in PER_UNIT}}
        for u in units
        if (c := counts.get(u["pk"])) is not None
    ]
    rows.sort(key=lambda r: -r["dispatched"])  # stable: a tie keeps the units' order
    return [
        {
            **r,
            "closure_rate": share(r["closed_on_time"] + r["closed_late"], r["dispatched"]),
            "on_time_rate": share(r["closed_on_time"], r["closed_on_time"] + r["closed_late"]),
            "dissatisfied_rate": share(r["dissatisfied"], r["dispatched"]),
        }
        for r in rows
    ]


def _mediation(town: Town, month: Period) -> dict:
    try:
        from mediation.models import MediationCase
        from mediation.states import State as CaseState
    except ImportError:  # pragma: no cover - the app is optional
        return {}
    cases = MediationCase.objects.filter(room__village__town=town)
    registered = cases.filter(month.q("registered_at"))
    return {
        "registered": registered.count(),
        "registered_by_state": _counts(registered, "state", CaseState),
        "ended": cases.filter(month.q("closed_at")).count(),
    }


def top_problems(petitions, month: Period, *, limit: int = TOP_PROBLEMS) -> list[dict]:
    """The top-problems list (问题清单): the month's most frequent leaf categories, each with
    the same category's count the month before and the same month a year before."""
    previous = months_before(month, 1)
    last_year = months_before(month, 12)
    top = _top_categories(petitions.filter(month.q("registered_at")), leaf=True, limit=limit)
    codes = [row["code"] for row in top]
    # Bounded by the two months compared, so the database reads those months' rows only.
    compare = petitions.filter(
        previous.q("registered_at") | last_year.q("registered_at"), category__code__in=codes
    ).aggregate(
        **{
            f"p_{i}": Count("id", filter=previous.q("registered_at") & Q(category__code=c)) for i, c in enumerate(codes)
        },
        **{
            f"y_{i}": Count("id", filter=last_year.q("registered_at") & Q(category__code=c))
            for i, c in enumerate(codes)
        },
    )
    for i, row in enumerate(top):
        row["previous_month"] = compare[f"p_{i}"]
        row["same_month_last_year"] = compare[f"y_{i}"]
        row["change_vs_previous_month"] = row["count"] - compare[f"p_{i}"]
        row["change_vs_last_year"] = row["count"] - compare[f"y_{i}"]
    return top


def _accountability(town: Town, month: Period) -> dict:
    """Liaison meetings held in the month by level and their agenda items; decisions made,
    carried out and overdue (still not carried out when the month ended, past a deadline on or
    before its last day); supervisions opened (listed among them), closed, and open at the
    month's end; accountability records decided in the month, by form."""
    try:
        from accountability.models import AccountabilityRecord, Decision, Meeting, Supervision
        from accountability.states import AccountabilityForm, DecisionState, Level, MeetingState
    except ImportError:  # pragma: no cover - the app is optional
        return {}
    held = Q(date__gte=month.start, date__lte=month.end, state__in=(MeetingState.HELD, MeetingState.CLOSED))
    meetings = Meeting.objects.filter(held, town=town).aggregate(
        **{f"level_{level}": Count("id", distinct=True, filter=Q(level=level)) for level in Level.values},
        agenda_items=Count("items"),
    )
    decisions = Decision.objects.filter(item__meeting__town=town).aggregate(
        made=Count("id", filter=month.q("decided_at")),
        sent_to_district=Count("id", filter=month.q("decided_at") & Q(state=DecisionState.SENT_TO_DISTRICT)),
        carried_out=Count("id", filter=month.q("carried_out_at")),
        overdue=Count(
            "id",
            filter=Q(decided_at__lt=month.hi, deadline__lte=month.end)
            & ~Q(state=DecisionState.SENT_TO_DISTRICT)
            & (Q(carried_out_at__isnull=True) | Q(carried_out_at__gte=month.hi)),
        ),
    )
    supervisions = Supervision.objects.filter(town=town).aggregate(
        opened=Count("id", filter=month.q("opened_at")),
        listed=Count("id", filter=month.q("opened_at") & Q(listed=True)),
        closed=Count("id", filter=month.q("closed_at")),
        open_at_month_end=Count(
            "id", filter=Q(opened_at__lt=month.hi) & (Q(closed_at__isnull=True) | Q(closed_at__gte=month.hi))
        ),
    )
    in_month = Q(decided_on__gte=month.start, decided_on__lte=month.end)
    records = AccountabilityRecord.objects.filter(town=town).aggregate(
        total=Count("id", filter=in_month),
        **{f"form_{form}": Count("id", filter=in_month & Q(form=form)) for form in AccountabilityForm.values},
    )
    return {
        "meetings": {level: meetings[f"level_{level}"] for level in Level.values},
        "agenda_items": meetings["agenda_items"],
        "decisions": decisions,
        "supervisions": supervisions,
        "records": records["total"],
        "records_by_form": {form: records[f"form_{form}"] for form in AccountabilityForm.values},
    }


def _months_by_village(town: Town, first: Period, months: int) -> tuple[list[dict], dict]:
    """Petitions registered in the ``months`` months from ``first`` (the last is the month
    reported): each village of the town with its count in that month, ranked (a tie in code
    order), and the town's petitions by village and month (``None``: no village given). One
    statement, grouped by town, village and month."""
    villages = _town_villages(town)
    by_village: dict = {}
    in_month: dict[int, int] = {}
    rows = _monthly_counts(
        Petition.objects.filter(_town_or_villages(town, villages)), ("town", "village"), first, months
    )
    for (town_id, village), counts in rows.items():
        if town_id == town.pk:
            into = by_village.setdefault(village, [0] * months)
            for i, n in enumerate(counts):
                into[i] += n
        if village is not None:
            in_month[village] = in_month.get(village, 0) + counts[-1]
    ranked = sorted(villages, key=lambda v: -in_month.get(v["pk"], 0))  # stable
    return [
        {"pk": v["pk"], "code": v["code"], "name": v["name"], "count": in_month.get(v["pk"], 0)} for v in ranked
    ], by_village


def monthly_analysis(*, town: Town, month_start: date) -> dict:
    """The monthly demand analysis (诉求分析研判) for the calendar month of ``month_start``.
    Rates as defined in the module docstring; per-unit figures follow the petitions routed to
    the unit in the month, as they stand when the report is generated: closure rate = closed
    / dispatched, on-time rate = closed on time / closed, dissatisfied = rated dissatisfied or
    sent back to be redone."""
    month = month_of(month_start)
    # The month and the 12 before it, by category and by village, in one statement each: the
    # early warning's baseline, the top problems' previous month and the same month last
    # year, and the month's own counts (the last of each series).
    first, now = months_before(month, BASELINE_MONTHS), BASELINE_MONTHS
    petitions = Petition.objects.filter(town=town)
    by_choice = list(
        petitions.filter(month.q("registered_at"))
        .values("origin", "channel", "kind")
        .annotate(
            n=Count("registered_at"),
            responded=Count("registered_at", filter=Q(route_due__gte=_local_day("routed_at"))),
            skip_level=Count("registered_at", filter=Q(is_skip_level=True)),
            repeat=Count("registered_at", filter=Q(is_repeat=True)),
        )
    )
    registered = sum(r["n"] for r in by_choice)
    responded = sum(r["responded"] for r in by_choice)

    cats = _all_categories()
    by_category = {key[0]: counts for key, counts in _monthly_counts(petitions, ("category",), first, now + 1).items()}
    in_month = {pk: counts[now] for pk, counts in by_category.items()}
    top = []
    for pk, n in _ranked(in_month, TOP_PROBLEMS):
        previous, last_year = by_category[pk][now - 1], by_category[pk][0]
        top.append(
            {
                **_category_row(cats[pk], n, registered),
                "previous_month": previous,
                "same_month_last_year": last_year,
                "change_vs_previous_month": n - previous,
                "change_vs_last_year": n - last_year,
            }
        )
    category_warnings = _far_above(by_category, now)
    for w in category_warnings:
        w["name"] = str(cats[w.pop("key")])

    villages, by_village = _months_by_village(town, first, now + 1)
    village_warnings = _far_above({pk: counts for pk, counts in by_village.items() if pk is not None}, now)
    names = {v["pk"]: v["name"] for v in villages}
    if missing := [w["key"] for w in village_warnings if w["key"] not in names]:  # another town's village
        names.update(Village.objects.filter(pk__in=missing).values_list("pk", "name"))
    for w in village_warnings:
        w["name"] = names[w.pop("key")]

    replied = month.q("replied_at")
    rated = month.q("rated_at") & ~Q(satisfaction="")
    closed = month.q("closed_at") & Q(state__in=CLOSED_STATES)
    escalated = month.q("escalated_at")
    still_open = Q(registered_at__lt=month.hi, state__in=OPEN_STATES)
    # One statement over the petitions replied, rated, closed or escalated in the month or
    # still open (each set found by its own index), each figure counted over its own rows.
    totals = petitions.filter(replied | rated | closed | escalated | still_open).aggregate(
        replied=Count("id", filter=replied),
        resolved=Count("id", filter=replied & Q(outcome__in=(Outcome.SUPPORTED, Outcome.EXPLAINED))),
        on_time=Count("id", filter=replied & Q(handle_due__gte=_local_day("replied_at"))),
        rated=Count("id", filter=rated),
        satisfied=Count("id", filter=rated & Q(satisfaction__in=SATISFIED)),
        closed=Count("id", filter=closed),
        escalated=Count("id", filter=escalated),
        open_at_generation=Count("id", filter=still_open),
        days=Avg(
            ExpressionWrapper(F("closed_at") - F("registered_at"), output_field=DurationField()),
            filter=closed & Q(replied_at__isnull=False),
        ),
    )
    days = totals["days"]
    counted = (Action.FOLLOW_UP, Action.ASSIGN, Action.OBJECT)
    events = _of_town(TimelineEntry.objects.filter(month.q("at"), action__in=counted), town).aggregate(
        follow_ups=Count("at", filter=Q(action=Action.FOLLOW_UP)),
        redos=Count("at", filter=Q(action=Action.FOLLOW_UP, to_state=State.HANDLING)),
        assignments=Count("at", filter=Q(action=Action.ASSIGN)),
        returns=Count("at", filter=Q(action=Action.OBJECT)),
    )
    units = _per_unit(town, month)
    return {
        "kind": "monthly_analysis",
        "version": FIGURES_VERSION,
        "period": {"start": month.start.isoformat(), "end": month.end.isoformat()},
        "registered": registered,
        "by_origin": _tally(by_choice, "origin", Origin),
        "by_channel": _tally(by_choice, "channel", Channel),
        "by_kind": _tally(by_choice, "kind", Kind),
        "by_category": [
            _category_row(cats[pk], n, registered) for pk, n in _ranked(_by_top_category(in_month, cats), 100)
        ],
        "by_village": [{"code": v["code"], "name": v["name"], "count": v["count"]} for v in villages],
        "without_village": by_village[None][now] if None in by_village else 0,
        "top_problems": top,
        "rates": {
            "response": share(responded, registered),
            "resolution": share(totals["resolved"], totals["replied"]),
            "satisfaction": share(totals["satisfied"], totals["rated"]),
            "on_time": share(totals["on_time"], totals["replied"]),
            "redo": share(events["redos"], events["follow_ups"]),
            "return": share(events["returns"], events["assignments"]),
        },
        "rate_bases": {
            "registered": registered,
            "responded": responded,
            "replied": totals["replied"],
            "resolved": totals["resolved"],
            "on_time": totals["on_time"],
            "rated": totals["rated"],
            "satisfied": totals["satisfied"],
            "follow_ups": events["follow_ups"],
            "redos": events["redos"],
            "assignments": events["assignments"],
            "returns": events["returns"],
        },
        "closed": totals["closed"],
        "average_days_to_close": round(days.total_seconds() / 86400, 1) if days is not None else None,
        "open_at_generation": totals["open_at_generation"],
        "units": units,
        "top_units": [{"name": u["name"], "count": u["dispatched"]} for u in units[:3]],
        "top_villages": [{"name": v["name"], "count": v["count"]} for v in villages[:3] if v["count"]],
        "escalated": totals["escalated"],
        "skip_level": sum(r["skip_level"] for r in by_choice),
        "repeat": sum(r["repeat"] for r in by_choice),
        "mediation": _mediation(town, month),
        "accountability": _accountability(town, month),
        "early_warning": {
            "rule": {"sigmas": WARNING_SIGMAS, "min_excess": WARNING_MIN_EXCESS, "baseline_months": BASELINE_MONTHS},
            "categories": category_warnings,
            "villages": village_warnings,
            "repeat_petitioners": _repeat_petitioners(town, month.hi),
        },
    }


def town_leaders(town: Town):
    return get_user_model().objects.filter(town=town, role=Role.LEADER, is_active=True)


def village_agents(town: Town):
    """The villages hear of each report through their petition agents (村级信访代办员)."""
    return get_user_model().objects.filter(town=town, role=Role.VILLAGE_AGENT, is_active=True)


# --- job runs ------------------------------------------------------------------------------

FAILURES_SHOWN = 10


@dataclass(frozen=True)
class JobSummary:
    name: str
    runs: int
    failures: int
    last: object  # the latest JobRun


def job_overview(*, failures_shown: int = FAILURES_SHOWN) -> dict:
    """Each job's latest run with its run and failure counts, and the latest failures: three
    queries however many runs are stored."""
    from django.db.models import Max

    from reports.models import JobRun

    stats = list(
        JobRun.objects.values("name")
        .annotate(runs=Count("id"), failures=Count("id", filter=Q(ok=False)), latest=Max("started_at"))
        .order_by("name")
    )
    latest = Q(pk__in=[])
    for row in stats:
        latest |= Q(name=row["name"], started_at=row["latest"])
    last = {run.name: run for run in JobRun.objects.filter(latest).order_by("id")}  # the later of a tie wins
    return {
        "jobs": [JobSummary(r["name"], r["runs"], r["failures"], last.get(r["name"])) for r in stats],
        "failures": list(JobRun.objects.filter(ok=False).order_by("-started_at", "-id")[:failures_shown]),
    }
