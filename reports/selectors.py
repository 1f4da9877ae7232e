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
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from core.identity import mask_name
from core.models import Role, Town, Village
from petitions.models import Category, HandlingUnit, Petition, PetitionPetitioner, TimelineEntry
from petitions.states import OPEN_STATES, Action, Channel, Kind, Origin, Outcome, Satisfaction, State

TZ = ZoneInfo("Asia/Shanghai")
FIGURES_VERSION = 2  # 2: accountability figures; accusations kept out of the named lists
SATISFACTION_FLOOR = 0.85  # units under this satisfaction rate are named in the circular
WARNING_SIGMAS = 2
WARNING_MIN_EXCESS = 5
REPEAT_PETITIONER_WINDOW = 90  # days
REPEAT_PETITIONER_MIN = 3
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
CLOSED_STATES = (State.CLOSED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW, State.FINAL)
ENDED_UNHANDLED = (State.TRANSFERRED, State.NOT_ACCEPTED)


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


def _by_village_with_change(town: Town, now: Period, before: Period) -> list[dict]:
    rows = (
        Village.objects.filter(town=town)
        .annotate(
            now=Count("petitions", filter=now.q("petitions__registered_at")),
            before=Count("petitions", filter=before.q("petitions__registered_at")),
        )
        .order_by("-now", "code")
        .values("code", "name", "now", "before")
    )
    return [
        {"rank": i, "code": r["code"], "name": r["name"], **_change(r["now"], r["before"])}
        for i, r in enumerate(rows, start=1)
    ]


def _counts(qs, field: str, choices) -> dict[str, int]:
    got = dict(qs.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    return {value: got.get(value, 0) for value in choices.values}


def _top_categories(qs, *, leaf: bool, limit: int) -> list[dict]:
    key = F("category") if leaf else _top_category()
    rows = list(qs.annotate(cat=key).values("cat").annotate(n=Count("id")).order_by("-n", "cat")[:limit])
    cats = _categories(r["cat"] for r in rows)
    total = qs.count()
    return [_category_row(cats[r["cat"]], r["n"], total) for r in rows]


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
    replied = period.q("petitions__replied_at")
    rated = period.q("petitions__rated_at") & ~Q(petitions__satisfaction="")
    rows = (
        HandlingUnit.objects.filter(town=town)
        .annotate(
            replied=Count("petitions", filter=replied),
            on_time=Count(
                "petitions",
                filter=replied & Q(petitions__handle_due__gte=_local_day("petitions__replied_at")),
            ),
            unanswered=Count(
                "petitions",
                filter=Q(petitions__state=State.HANDLING, petitions__handle_due__lte=period.end),
            ),
            rated=Count("petitions", filter=rated),
            satisfied=Count("petitions", filter=rated & Q(petitions__satisfaction__in=SATISFIED)),
        )
        .order_by("sort", "id")
        .values("name", "replied", "on_time", "unanswered", "rated", "satisfied")
    )
    out = []
    for r in rows:
        if not (r["replied"] or r["unanswered"] or r["rated"]):
            continue
        out.append(
            {
                **r,
                "on_time_rate": share(r["on_time"], r["replied"]),
                "reply_rate": share(r["replied"], r["replied"] + r["unanswered"]),
                "satisfaction_rate": share(r["satisfied"], r["rated"]),
            }
        )
    return out


# --- the weekly circular -------------------------------------------------------------------


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
    counts = petitions.aggregate(
        now=Count("id", filter=week.q("registered_at")),
        before=Count("id", filter=before.q("registered_at")),
        no_village_now=Count("id", filter=week.q("registered_at") & Q(village__isnull=True)),
        no_village_before=Count("id", filter=before.q("registered_at") & Q(village__isnull=True)),
        closed=Count("id", filter=week.q("closed_at") & Q(state__in=CLOSED_STATES)),
        ended_unhandled=Count("id", filter=week.q("closed_at") & Q(state__in=ENDED_UNHANDLED)),
        **{
            f"origin_{o}_{w}": Count("id", filter=p.q("registered_at") & Q(origin=o))
            for o in Origin.values
            for w, p in (("now", week), ("before", before))
        },
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
    villages = _by_village_with_change(town, week, before)
    return {
        "kind": "weekly_circular",
        "version": FIGURES_VERSION,
        "period": {"start": week.start.isoformat(), "end": week.end.isoformat()},
        "new": _change(counts["now"], counts["before"]),
        "by_origin": {o: _change(counts[f"origin_{o}_now"], counts[f"origin_{o}_before"]) for o in Origin.values},
        "by_village": villages,
        "without_village": _change(counts["no_village_now"], counts["no_village_before"]),
        "by_kind": _counts(new, "kind", Kind),
        "top_categories": _top_categories(new, leaf=False, limit=5),
        "closed": counts["closed"],
        "ended_unhandled": counts["ended_unhandled"],
        "overdue": _overdue(town, week),
        "skip_level": list(
            new.filter(is_skip_level=True)
            .exclude(kind=Kind.ACCUSATION)
            .order_by("tracking_number")
            .values_list("tracking_number", flat=True)
        ),
        "repeat": list(
            new.filter(is_repeat=True)
            .exclude(kind=Kind.ACCUSATION)
            .order_by("tracking_number")
            .values_list("tracking_number", flat=True)
        ),
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


def _monthly_series(qs, field: str, first: Period, months: int) -> dict:
    """{key: [count of month 1, …, count of month n]} for the months from ``first`` on."""
    lo = first.lo
    hi = months_before(first, -months).lo
    rows = (
        qs.filter(registered_at__gte=lo, registered_at__lt=hi)
        .annotate(month=TruncMonth("registered_at", tzinfo=TZ))
        .values(field, "month")
        .annotate(n=Count("id"))
    )
    index = {months_before(first, -i).start: i for i in range(months)}
    series: dict = {}
    for r in rows:
        month = r["month"]
        month = month.date() if isinstance(month, datetime) else month
        series.setdefault(r[field], [0] * months)[index[month]] += r["n"]
    return series


def _warnings(qs, field: str, month: Period) -> list[dict]:
    """Keys whose count this month is far above their own 12-month baseline (module docstring)."""
    first = months_before(month, 12)
    history = _monthly_series(qs, field, first, 12)
    current = dict(
        qs.filter(month.q("registered_at")).values_list(field).annotate(n=Count("id")).values_list(field, "n")
    )
    flagged = []
    for key, count in current.items():
        values = history.get(key, [0] * 12)
        mean = sum(values) / 12
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 12)
        if count >= mean + WARNING_SIGMAS * sd and count >= mean + WARNING_MIN_EXCESS:
            flagged.append({"key": key, "count": count, "mean": round(mean, 2), "sd": round(sd, 2)})
    return sorted(flagged, key=lambda f: (-f["count"], str(f["key"])))


def _repeat_petitioners(town: Town, end: datetime) -> list[dict]:
    start = end - timedelta(days=REPEAT_PETITIONER_WINDOW)
    rows = (
        PetitionPetitioner.objects.filter(
            petition__town=town, petition__registered_at__gte=start, petition__registered_at__lt=end
        )
        .exclude(petition__kind=Kind.ACCUSATION)
        .values("petitioner", "petitioner__name")
        .annotate(n=Count("petition", distinct=True))
        .filter(n__gte=REPEAT_PETITIONER_MIN)
        .order_by("-n", "petitioner")
    )
    return [{"petitioner": mask_name(r["petitioner__name"]), "count": r["n"]} for r in rows]


def _per_unit(town: Town, month: Period) -> list[dict]:
    """Per handling unit, for the petitions routed to it in the month (as they stand now)."""
    cohort = month.q("petitions__routed_at")
    closed = cohort & Q(petitions__state__in=CLOSED_STATES)
    on_time = Q(petitions__handle_due__gte=_local_day("petitions__replied_at"))
    rows = (
        HandlingUnit.objects.filter(town=town)
        .annotate(
            dispatched=Count("petitions", filter=cohort),
            closed_on_time=Count("petitions", filter=closed & on_time),
            closed_late=Count("petitions", filter=closed & ~on_time),
            open=Count("petitions", filter=cohort & Q(petitions__state__in=OPEN_STATES)),
            dissatisfied=Count(
                "petitions",
                filter=cohort & (Q(petitions__satisfaction=Satisfaction.DISSATISFIED) | Q(petitions__redo_count__gt=0)),
            ),
        )
        .filter(dispatched__gt=0)
        .order_by("-dispatched", "sort", "id")
        .values("name", "dispatched", "closed_on_time", "closed_late", "open", "dissatisfied")
    )
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


def top_problems(petitions, month: Period, *, limit: int = 10) -> list[dict]:
    """The top-problems list (问题清单): the month's most frequent leaf categories, each with
    the same category's count the month before and the same month a year before."""
    previous = months_before(month, 1)
    last_year = months_before(month, 12)
    top = _top_categories(petitions.filter(month.q("registered_at")), leaf=True, limit=limit)
    codes = [row["code"] for row in top]
    compare = petitions.filter(category__code__in=codes).aggregate(
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


def monthly_analysis(*, town: Town, month_start: date) -> dict:
    """The monthly demand analysis (诉求分析研判) for the calendar month of ``month_start``.
    Rates as defined in the module docstring; per-unit figures follow the petitions routed to
    the unit in the month, as they stand when the report is generated: closure rate = closed
    / dispatched, on-time rate = closed on time / closed, dissatisfied = rated dissatisfied or
    sent back to be redone."""
    month = month_of(month_start)
    petitions = Petition.objects.filter(town=town)
    new = petitions.filter(month.q("registered_at"))
    replied = month.q("replied_at")
    rated = month.q("rated_at") & ~Q(satisfaction="")
    totals = petitions.aggregate(
        registered=Count("id", filter=month.q("registered_at")),
        responded=Count("id", filter=month.q("registered_at") & Q(route_due__gte=_local_day("routed_at"))),
        replied=Count("id", filter=replied),
        resolved=Count("id", filter=replied & Q(outcome__in=(Outcome.SUPPORTED, Outcome.EXPLAINED))),
        on_time=Count("id", filter=replied & Q(handle_due__gte=_local_day("replied_at"))),
        rated=Count("id", filter=rated),
        satisfied=Count("id", filter=rated & Q(satisfaction__in=SATISFIED)),
        closed=Count("id", filter=month.q("closed_at") & Q(state__in=CLOSED_STATES)),
        escalated=Count("id", filter=month.q("escalated_at")),
        skip_level=Count("id", filter=month.q("registered_at") & Q(is_skip_level=True)),
        repeat=Count("id", filter=month.q("registered_at") & Q(is_repeat=True)),
        open_at_generation=Count("id", filter=Q(registered_at__lt=month.hi, state__in=OPEN_STATES)),
    )
    days = petitions.filter(month.q("closed_at"), state__in=CLOSED_STATES, replied_at__isnull=False).aggregate(
        avg=Avg(ExpressionWrapper(F("closed_at") - F("registered_at"), output_field=DurationField()))
    )["avg"]
    events = (
        TimelineEntry.objects.filter(petition__town=town)
        .filter(month.q("at"))
        .aggregate(
            follow_ups=Count("id", filter=Q(action=Action.FOLLOW_UP)),
            redos=Count("id", filter=Q(action=Action.FOLLOW_UP, to_state=State.HANDLING)),
            assignments=Count("id", filter=Q(action=Action.ASSIGN)),
            returns=Count("id", filter=Q(action=Action.OBJECT)),
        )
    )
    top = top_problems(petitions, month)
    villages = list(
        Village.objects.filter(town=town)
        .annotate(n=Count("petitions", filter=month.q("petitions__registered_at")))
        .order_by("-n", "code")
        .values("code", "name", "n")
    )
    units = _per_unit(town, month)
    category_warnings = _warnings(petitions, "category", month)
    cats = _categories(w["key"] for w in category_warnings)
    for w in category_warnings:
        w["name"] = str(cats[w.pop("key")])
    village_warnings = _warnings(petitions.filter(village__isnull=False), "village", month)
    village_names = dict(Village.objects.filter(pk__in=[w["key"] for w in village_warnings]).values_list("pk", "name"))
    for w in village_warnings:
        w["name"] = village_names[w.pop("key")]
    registered = totals["registered"]
    return {
        "kind": "monthly_analysis",
        "version": FIGURES_VERSION,
        "period": {"start": month.start.isoformat(), "end": month.end.isoformat()},
        "registered": registered,
        "by_origin": _counts(new, "origin", Origin),
        "by_channel": _counts(new, "channel", Channel),
        "by_kind": _counts(new, "kind", Kind),
        "by_category": _top_categories(new, leaf=False, limit=100),
        "by_village": [{"code": v["code"], "name": v["name"], "count": v["n"]} for v in villages],
        "without_village": new.filter(village__isnull=True).count(),
        "top_problems": top,
        "rates": {
            "response": share(totals["responded"], registered),
            "resolution": share(totals["resolved"], totals["replied"]),
            "satisfaction": share(totals["satisfied"], totals["rated"]),
            "on_time": share(totals["on_time"], totals["replied"]),
            "redo": share(events["redos"], events["follow_ups"]),
            "return": share(events["returns"], events["assignments"]),
        },
        "rate_bases": {
            "registered": registered,
            "responded": totals["responded"],
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
        "top_villages": [{"name": v["name"], "count": v["n"]} for v in villages[:3] if v["n"]],
        "escalated": totals["escalated"],
        "skip_level": totals["skip_level"],
        "repeat": totals["repeat"],
        "mediation": _mediation(town, month),
        "accountability": _accountability(town, month),
        "early_warning": {
            "rule": {"sigmas": WARNING_SIGMAS, "min_excess": WARNING_MIN_EXCESS, "baseline_months": 12},
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
