"""The village assessment (村级考核): indicators, score, ranking, red and black lists, and the
"no skip-level petition" title (无越级访村街).

Indicators of a village over a period ``[start, end]`` (dates in Asia/Shanghai), with the
definitions of ``reports.selectors`` (its module docstring) restricted to the village's
petitions (``Petition.village``: where the residents live):

- **on-time rate**: petitions replied in the period on or before their handle-by date, over
  all replied in the period;
- **satisfaction rate**: ratings given in the period (follow-up visit or the resident's own)
  that are satisfied or basically satisfied, over all ratings given in the period;
- **repeat petitions** / **skip-level petitions**: registered in the period and flagged
  ``is_repeat`` / ``is_skip_level`` (the matter was first raised above the town);
- **mediation success rate** (``mediation.selectors.RoomFigures.success_rate``): cases of
  the village's mediation room registered in the period that ended in a full or partial
  agreement, over those that ended (agreed, partly agreed, failed — handed on or not — or
  ended by a party);
- **risks found**: disputes and risks (``patrols.Risk``) found in the village in the period;
  **risks defused**: of those, resolved on the spot or sent to the mediation room whose case
  reached an agreement; **risk defusal rate** = defused ÷ found.

Score (weights and rules in ``duty.models.AssessmentScheme``, editable)::

    100 × Σ(weight × rate) ÷ Σ weights
      − repeat penalty × repeat petitions − skip-level penalty × skip-level petitions
      + min(risk bonus × risks found, bonus cap),   never below 0, rounded to 0.01.

A rate without a base (nothing replied, rated, concluded or found) counts as 100%: a
village is not marked down for having nothing to answer for.

Ranking: score high to low, ties share a place (1, 2, 2, 4), then by village code.
**Red list** (红榜): villages placed within the first ``red_places`` whose score is at least
``red_min_score`` and that had no skip-level petition in the period. **Black list** (黑榜):
villages scoring below ``black_below_score``, and — when ``black_on_skip_level`` — every
village with a skip-level petition in the period, worst first.

**No skip-level petition village** (无越级访村街) of a year: no petition of the village's
residents registered from 1 January up to today (the whole year once it is over) was
flagged skip-level. One such petition loses the title for the rest of that year.

Four queries whatever the number of villages: the scheme, the villages with their petition
figures, the mediation figures and the risk figures (each grouped by village).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from core.models import Town, Village
from duty.models import AssessmentScheme
from mediation.models import MediationCase
from mediation.states import AGREEMENT_STATES, FAILED_STATES
from mediation.states import State as CaseState
from patrols.models import Risk
from petitions.models import Petition
from reports.selectors import SATISFIED, TZ, Period

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
CONCLUDED_STATES = (*AGREEMENT_STATES, *FAILED_STATES, CaseState.WITHDRAWN)


# --- Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentPeriod:
    """A year (``2026``), a quarter (``2026-Q2``) or a month (``2026-05``)."""

    key: str
    kind: str  # "year" | "quarter" | "month"
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def span(self) -> Period:
        return Period(self.start, self.end)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(_("%(year)s (whole year)") % {"year": self.year})
        if self.kind == "quarter":
            return str(_("%(year)s, quarter %(q)s") % {"year": self.year, "q": (self.start.month - 1) // 3 + 1})
        return f"{self.start:%Y-%m}"


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def year_period(year: int) -> AssessmentPeriod:
    return AssessmentPeriod(str(year), "year", date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> AssessmentPeriod:
    first = 3 * (quarter - 1) + 1
    return AssessmentPeriod(f"{year}-Q{quarter}", "quarter", date(year, first, 1), _month_end(year, first + 2))


def month_period(year: int, month: int) -> AssessmentPeriod:
    return AssessmentPeriod(f"{year}-{month:02d}", "month", date(year, month, 1), _month_end(year, month))


PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")
FIRST_YEAR = 2000


def parse_period(value: str | None, *, today: date) -> AssessmentPeriod | None:
    """The period a key names, or None when the key is malformed or the period has not
    begun yet. An empty key is the current year."""
    if not value:
        return year_period(today.year)
    match = PERIOD_RE.match(value.strip())
    if not match:
        return None
    year = int(match["year"])
    if match["quarter"]:
        period = quarter_period(year, int(match["quarter"]))
    elif match["month"]:
        period = month_period(year, int(match["month"]))
    else:
        period = year_period(year)
    if year < FIRST_YEAR or period.start > today:
        return None
    return period


def period_choices(period: AssessmentPeriod, *, today: date) -> dict:
    """What the picker offers: the last three years, and the quarters and months of the
    chosen year that have begun."""
    years = [year_period(y) for y in range(today.year, today.year - 3, -1)]
    quarters = [q for q in (quarter_period(period.year, n) for n in range(1, 5)) if q.start <= today]
    months = [m for m in (month_period(period.year, n) for n in range(1, 13)) if m.start <= today]
    return {"years": years, "quarters": quarters, "months": months}


def title_window(year: int, *, today: date) -> Period:
    """The part of ``year`` the title looks at: 1 January up to today, or the whole year."""
    return Period(date(year, 1, 1), min(date(year, 12, 31), today))


# --- Scores ------------------------------------------------------------------------------------


def scheme_for(town: Town) -> AssessmentScheme:
    """The town's scheme, or the default one (not saved) when nobody has set it yet."""
    return AssessmentScheme.objects.filter(town=town).first() or AssessmentScheme(town=town)


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP) if whole else None


@dataclass(frozen=True)
class Component:
    """One line of a village's score: the indicator, its base, the weight and the points."""

    key: str
    label: str
    value: Decimal | int | None  # a rate (0..1), a count, or None when there is no base
    part: int | None
    whole: int | None
    weight: Decimal
    points: Decimal
    is_rate: bool


@dataclass
class VillageScore:
    village: Village
    replied: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    repeat: int = 0
    skip_level: int = 0
    skip_level_in_title_year: int = 0
    concluded: int = 0
    agreed: int = 0
    risks_found: int = 0
    risks_defused: int = 0
    score: Decimal = Decimal(0)
    components: list[Component] = field(default_factory=list)
    rank: int = 0
    red: bool = False
    black: bool = False
    black_reasons: list[str] = field(default_factory=list)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.on_time, self.replied)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.rated)

    @property
    def mediation_rate(self) -> Decimal | None:
        return _rate(self.agreed, self.concluded)

    @property
    def defusal_rate(self) -> Decimal | None:
        return _rate(self.risks_defused, self.risks_found)

    @property
    def holds_title(self) -> bool:
        """无越级访村街 for the period's year (so far)."""
        return self.skip_level_in_title_year == 0


def num(value) -> str:
    """A weight or threshold as people write it: 80.00 → "80", 0.50 → "0.5"."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text


def _points(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def score_village(v: VillageScore, scheme: AssessmentScheme) -> None:
    """Fill ``v.components`` and ``v.score`` by the scheme (module docstring)."""
    total = scheme.weight_total
    rates = [
        ("on_time", _("On-time rate"), v.on_time_rate, v.on_time, v.replied, scheme.weight_on_time),
        ("satisfaction", _("Satisfaction rate"), v.satisfaction_rate, v.satisfied, v.rated, scheme.weight_satisfaction),
        ("mediation", _("Mediation success rate"), v.mediation_rate, v.agreed, v.concluded, scheme.weight_mediation),
        ("defusal", _("Risk defusal rate"), v.defusal_rate, v.risks_defused, v.risks_found, scheme.weight_defusal),
    ]
    components = []
    exact = Decimal(0)
    for key, label, rate, part, whole, weight in rates:
        counted = Decimal(1) if rate is None else Decimal(part) / Decimal(whole)
        contribution = HUNDRED * weight * counted / total if total else Decimal(0)
        exact += contribution
        components.append(Component(key, str(label), rate, part, whole, weight, _points(contribution), True))
    repeat_off = scheme.repeat_penalty * v.repeat
    skip_off = scheme.skip_level_penalty * v.skip_level
    bonus = min(scheme.risk_bonus * v.risks_found, scheme.risk_bonus_cap)
    components += [
        Component(
            "repeat",
            str(_("Repeat petitions")),
            v.repeat,
            None,
            None,
            scheme.repeat_penalty,
            -_points(repeat_off),
            False,
        ),
        Component(
            "skip_level",
            str(_("Skip-level petitions")),
            v.skip_level,
            None,
            None,
            scheme.skip_level_penalty,
            -_points(skip_off),
            False,
        ),
        Component(
            "risks_found", str(_("Risks found")), v.risks_found, None, None, scheme.risk_bonus, _points(bonus), False
        ),
    ]
    v.components = components
    v.score = _points(max(Decimal(0), exact - repeat_off - skip_off + bonus))


@dataclass(frozen=True)
class Assessment:
    town: Town
    period: AssessmentPeriod
    scheme: AssessmentScheme
    rows: list[VillageScore]  # ranked
    red: list[VillageScore]
    black: list[VillageScore]
    title_window: Period

    @property
    def title_holders(self) -> list[VillageScore]:
        return sorted((r for r in self.rows if r.holds_title), key=lambda r: r.village.code)


def _rank(rows: list[VillageScore]) -> list[VillageScore]:
    rows.sort(key=lambda r: (-r.score, r.village.code))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and row.score == rows[i - 1].score else i + 1
    return rows


def _lists(rows: list[VillageScore], scheme: AssessmentScheme) -> tuple[list[VillageScore], list[VillageScore]]:
    red, black = [], []
    for row in rows:
        if row.rank <= scheme.red_places and row.score >= scheme.red_min_score and row.skip_level == 0:
            row.red = True
            red.append(row)
        if row.score < scheme.black_below_score:
            row.black_reasons.append(str(_("score below %(score)s") % {"score": num(scheme.black_below_score)}))
        if scheme.black_on_skip_level and row.skip_level > 0:
            row.black_reasons.append(str(_("skip-level petition in the period")))
        if row.black_reasons:
            row.black = True
            black.append(row)
    black.reverse()  # worst first
    return red, black


def _petition_figures(villages: QuerySet[Village], period: AssessmentPeriod, window: Period) -> QuerySet:
    span = period.span
    replied = span.q("petitions__replied_at")
    rated = span.q("petitions__rated_at") & ~Q(petitions__satisfaction="")
    registered = span.q("petitions__registered_at")
    return villages.annotate(
        replied=Count("petitions", filter=replied),
        on_time=Count(
            "petitions",
            filter=replied & Q(petitions__handle_due__gte=TruncDate("petitions__replied_at", tzinfo=TZ)),
        ),
        rated=Count("petitions", filter=rated),
        satisfied=Count("petitions", filter=rated & Q(petitions__satisfaction__in=SATISFIED)),
        repeat=Count("petitions", filter=registered & Q(petitions__is_repeat=True)),
        skip_level=Count("petitions", filter=registered & Q(petitions__is_skip_level=True)),
        skip_level_in_title_year=Count(
            "petitions", filter=window.q("petitions__registered_at") & Q(petitions__is_skip_level=True)
        ),
    )


def _mediation_figures(town: Town, period: AssessmentPeriod, village_ids) -> dict[int, dict]:
    rows = (
        MediationCase.objects.filter(room__village__town=town, room__village__in=village_ids)
        .filter(period.span.q("registered_at"))
        .values("room__village")
        .annotate(
            concluded=Count("id", filter=Q(state__in=CONCLUDED_STATES)),
            agreed=Count("id", filter=Q(state__in=AGREEMENT_STATES)),
        )
    )
    return {r["room__village"]: r for r in rows}


def _risk_figures(town: Town, period: AssessmentPeriod, village_ids) -> dict[int, dict]:
    defused = Q(state=Risk.State.RESOLVED) | Q(state=Risk.State.MEDIATION, mediation_case__state__in=AGREEMENT_STATES)
    rows = (
        Risk.objects.filter(town=town, village__in=village_ids, found_on__gte=period.start, found_on__lte=period.end)
        .values("village")
        .annotate(found=Count("id"), defused=Count("id", filter=defused))
    )
    return {r["village"]: r for r in rows}


def assess(*, town: Town, period: AssessmentPeriod, today: date, village: Village | None = None) -> Assessment:
    """Every village of the town scored, ranked and listed for the period. With ``village``
    the ranking still covers the whole town (the village's place needs it)."""
    scheme = scheme_for(town)
    window = title_window(period.year, today=today)
    villages = list(_petition_figures(Village.objects.filter(town=town).order_by("code"), period, window))
    ids = [v.pk for v in villages]
    mediation = _mediation_figures(town, period, ids)
    risks = _risk_figures(town, period, ids)
    rows = []
    for v in villages:
        m = mediation.get(v.pk, {})
        r = risks.get(v.pk, {})
        row = VillageScore(
            village=v,
            replied=v.replied,
            on_time=v.on_time,
            rated=v.rated,
            satisfied=v.satisfied,
            repeat=v.repeat,
            skip_level=v.skip_level,
            skip_level_in_title_year=v.skip_level_in_title_year,
            concluded=m.get("concluded", 0),
            agreed=m.get("agreed", 0),
            risks_found=r.get("found", 0),
            risks_defused=r.get("defused", 0),
        )
        score_village(row, scheme)
        rows.append(row)
    _rank(rows)
    red, black = _lists(rows, scheme)
    return Assessment(town=town, period=period, scheme=scheme, rows=rows, red=red, black=black, title_window=window)


def no_skip_level_villages(*, town: Town, today: date) -> QuerySet[Village]:
    """The villages holding the 无越级访村街 title this year so far (one query)."""
    window = title_window(today.year, today=today)
    skip = Petition.objects.filter(village=OuterRef("pk"), is_skip_level=True).filter(window.q("registered_at"))
    return Village.objects.filter(town=town).filter(~Exists(skip)).order_by("code")
