"""A snapshot's figures laid out as titled tables, the one layout the page, the PDF and the
Excel workbook all render, so the three always hold the same figures.

Each figure cell keeps the JSON path of its value in the snapshot (``rates.response``,
``by_village.3.count``), which the page writes as ``data-figure`` and the tests read back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from petitions.states import Channel, Kind, Origin, State
from reports import selectors

# How a value is shown: a count, a share (as a percentage), a signed change, a signed change
# rate, a decimal, a date, a tracking number (linked to the case), yes/no, or plain text.
INT, RATE, CHANGE, CHANGE_RATE, DECIMAL, DATE, CASE, BOOL, TEXT = (
    "int",
    "rate",
    "change",
    "change_rate",
    "decimal",
    "date",
    "case",
    "bool",
    "text",
)
DASH = "—"


@dataclass
class Cell:
    value: Any
    fmt: str = TEXT
    path: str | None = None  # the figure's place in the snapshot; None for a label
    url: str | None = None

    @property
    def display(self) -> str:
        v = self.value
        if v is None:
            return DASH
        if self.fmt == RATE:
            return f"{v * 100:.2f}%"
        if self.fmt == CHANGE:
            return f"{v:+d}" if v else "0"
        if self.fmt == CHANGE_RATE:
            return f"{v * 100:+.2f}%" if v else "0.00%"
        if self.fmt == BOOL:
            return _("yes") if v else _("no")
        return str(v)


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def _get(figures: dict, path: str) -> Any:
    value: Any = figures
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


class _Builder:
    def __init__(self, figures: dict):
        self.figures = figures
        self.sections: list[Section] = []

    def fig(self, path: str, fmt: str = INT) -> Cell:
        return Cell(value=_get(self.figures, path), fmt=fmt, path=path)

    def section(self, key: str, title: str, columns: Iterable[str], note: str = "") -> Section:
        section = Section(key=key, title=title, columns=list(columns), note=note)
        self.sections.append(section)
        return section

    def facts(self, key: str, title: str, facts: Iterable[tuple[str, str, str]], note: str = "") -> Section:
        section = self.section(key, title, [_("Figure"), _("Value")], note)
        section.rows = [[Cell(label), self.fig(path, fmt)] for label, path, fmt in facts]
        return section

    def choices(self, key: str, title: str, path: str, choices, columns: Iterable[str]) -> Section:
        """A table of a ``{value: count}`` or ``{value: {count, previous, …}}`` figure, in the
        order of the choices (any value the choices no longer know comes last, as stored)."""
        data = _get(self.figures, path)
        labels = dict(choices.choices)
        keys = [k for k in labels if k in data] + [k for k in data if k not in labels]
        section = self.section(key, title, columns)
        for k in keys:
            if isinstance(data[k], dict):
                cells = [self.fig(f"{path}.{k}.{part}", fmt) for part, fmt in _CHANGE]
            else:
                cells = [self.fig(f"{path}.{k}")]
            section.rows.append([Cell(str(labels.get(k, k))), *cells])
        return section

    def rows(self, key: str, title: str, path: str, spec: list[tuple[str, str, str]], *, note: str = "", rank=False):
        """One row per item of a list figure; ``spec`` = (column, field, format); a field of
        ``""`` means the item itself (a list of names or tracking numbers)."""
        columns = ([_("Rank")] if rank else []) + [column for column, _field, _fmt in spec]
        section = self.section(key, title, columns, note)
        for i, _item in enumerate(_get(self.figures, path)):
            cells = [self.fig(f"{path}.{i}.{f}" if f else f"{path}.{i}", fmt) for _column, f, fmt in spec]
            section.rows.append(([Cell(i + 1, INT)] if rank else []) + cells)
        return section


_CHANGE = (("count", INT), ("previous", INT), ("change", CHANGE), ("change_rate", CHANGE_RATE))


def _change_columns(now: str, before: str) -> list[str]:
    return [now, before, pgettext("report column", "Change"), _("Change rate")]


def sections(figures: dict) -> list[Section]:
    """The tables of a weekly circular or a monthly analysis, in reading order."""
    b = _Builder(figures)
    if figures["kind"] == "weekly_circular":
        _weekly(b)
    else:
        _monthly(b)
    return b.sections


def _weekly(b: _Builder) -> None:
    week, before = _("This week"), _("Last week")
    b.facts(
        "summary",
        _("Summary"),
        [
            (_("New petitions this week"), "new.count", INT),
            (_("New petitions last week"), "new.previous", INT),
            (pgettext("report column", "Change"), "new.change", CHANGE),
            (_("Change rate"), "new.change_rate", CHANGE_RATE),
            (_("Cases closed"), "closed", INT),
            (_("Ended without being handled (transferred or not accepted)"), "ended_unhandled", INT),
        ],
    )
    b.choices(
        "by_origin", _("New petitions by origin"), "by_origin", Origin, [_("Origin"), *_change_columns(week, before)]
    )
    villages = b.rows(
        "by_village",
        _("New petitions by village"),
        "by_village",
        [
            (_("Rank"), "rank", INT),
            (_("Village"), "name", TEXT),
            (week, "count", INT),
            (before, "previous", INT),
            (pgettext("report column", "Change"), "change", CHANGE),
            (_("Change rate"), "change_rate", CHANGE_RATE),
        ],
    )
    villages.rows.append(
        [Cell(""), Cell(_("No village given"))] + [b.fig(f"without_village.{part}", fmt) for part, fmt in _CHANGE]
    )
    b.choices("by_kind", _("New petitions by type"), "by_kind", Kind, [_("Type"), _("Petitions")])
    b.rows(
        "top_categories",
        _("Top categories"),
        "top_categories",
        [(_("Category"), "name", TEXT), (_("Petitions"), "count", INT), (_("Share"), "share", RATE)],
        rank=True,
    )
    _overdue(b, _("Open petitions whose deadline had passed by Sunday."))
    b.rows("skip_level", _("Skip-level petitions"), "skip_level", [(_("Tracking number"), "", CASE)])
    b.rows("repeat", _("Repeat petitions"), "repeat", [(_("Tracking number"), "", CASE)])
    b.rows(
        "dissatisfied_follow_ups",
        _("Dissatisfied at the follow-up visit"),
        "dissatisfied_follow_ups",
        [
            (_("Tracking number"), "tracking_number", CASE),
            (_("Unit"), "unit", TEXT),
            (_("Sent back to be redone"), "redo", BOOL),
        ],
    )
    b.rows(
        "units",
        _("Handling units"),
        "units",
        [
            (_("Unit"), "name", TEXT),
            (_("Replied"), "replied", INT),
            (_("Replied on time"), "on_time", INT),
            (_("Past the deadline, unanswered"), "unanswered", INT),
            (_("Rated"), "rated", INT),
            (_("Satisfied"), "satisfied", INT),
            (_("On-time rate"), "on_time_rate", RATE),
            (_("Reply rate"), "reply_rate", RATE),
            (_("Satisfaction rate"), "satisfaction_rate", RATE),
        ],
        note=_(
            "On-time rate: replied on or before the deadline / replied this week. Reply rate: replied / "
            "(replied + past the deadline and unanswered). Satisfaction rate: satisfied or basically "
            "satisfied / rated this week."
        ),
    )
    b.rows(
        "units_full_marks",
        # xgettext:no-python-format
        _("Units with 100% on-time, reply and satisfaction rates"),
        "units_full_marks",
        [(_("Unit"), "", TEXT)],
    )
    floor = b.section(
        "units_under_floor",
        _("Units under the satisfaction floor"),
        [_("Unit"), _("Satisfaction rate")],
        note=_("These units are told to improve."),
    )
    floor.rows.append([Cell(_("Satisfaction floor")), b.fig("satisfaction_floor", RATE)])
    for i, _unit in enumerate(b.figures["units_under_floor"]):
        floor.rows.append(
            [b.fig(f"units_under_floor.{i}.name", TEXT), b.fig(f"units_under_floor.{i}.satisfaction_rate", RATE)]
        )
    b.rows(
        "village_ranking",
        _("Village ranking"),
        "village_ranking",
        [(_("Rank"), "rank", INT), (_("Village"), "name", TEXT), (_("New petitions"), "count", INT)],
    )


def _overdue(b: _Builder, note: str) -> None:
    b.rows(
        "overdue",
        _("Overdue petitions"),
        "overdue",
        [
            (_("Tracking number"), "tracking_number", CASE),
            (_("Village"), "village", TEXT),
            (_("Handling unit"), "unit", TEXT),
            (_("Responsible leader"), "responsible_leader", TEXT),
            (_("State"), "state", TEXT),
            (pgettext("report column", "Due"), "next_due", DATE),
            (_("Days overdue"), "days_overdue", INT),
        ],
        note=note,
    )
    states = dict(State.choices)
    for row in b.sections[-1].rows:
        row[4] = Cell(str(states.get(row[4].value, row[4].value)), TEXT, row[4].path)


def _monthly(b: _Builder) -> None:
    b.facts(
        "summary",
        _("Summary"),
        [
            (_("Petitions registered"), "registered", INT),
            (_("Cases closed"), "closed", INT),
            (_("Average days to close"), "average_days_to_close", DECIMAL),
            (_("Registered by the month's end and still open when the report was made"), "open_at_generation", INT),
            (_("Escalations by villages recorded in the month"), "escalated", INT),
            (_("Skip-level petitions"), "skip_level", INT),
            (_("Repeat petitions"), "repeat", INT),
        ],
    )
    rates = b.section(
        "rates",
        _("Rates"),
        [_("Rate"), _("Value"), _("Counted"), _("Base"), _("Definition")],
        note=_("Each rate is the counted petitions over its base; “—” where the base is zero."),
    )
    for key, label, part, whole, definition in (
        ("response", _("Response rate"), "responded", "registered", _("routed by the route-by date / registered")),
        ("resolution", _("Resolution rate"), "resolved", "replied", _("supported or explained / replied")),
        ("satisfaction", _("Satisfaction rate"), "satisfied", "rated", _("satisfied or basically satisfied / rated")),
        ("on_time", _("On-time rate"), "on_time", "replied", _("replied by the handle-by date / replied")),
        ("redo", _("Redo rate"), "redos", "follow_ups", _("sent back to be redone / follow-up visits")),
        ("return", _("Return rate"), "returns", "assignments", _("sent back as misrouted / assignments")),
    ):
        rates.rows.append(
            [
                Cell(label),
                b.fig(f"rates.{key}", RATE),
                b.fig(f"rate_bases.{part}"),
                b.fig(f"rate_bases.{whole}"),
                Cell(definition),
            ]
        )
    b.choices("by_origin", _("Petitions by origin"), "by_origin", Origin, [_("Origin"), _("Petitions")])
    b.choices("by_channel", _("Petitions by channel"), "by_channel", Channel, [_("Channel"), _("Petitions")])
    b.choices("by_kind", _("Petitions by type"), "by_kind", Kind, [_("Type"), _("Petitions")])
    b.rows(
        "by_category",
        _("Petitions by category"),
        "by_category",
        [(_("Category"), "name", TEXT), (_("Petitions"), "count", INT), (_("Share"), "share", RATE)],
        rank=True,
    )
    villages = b.rows(
        "by_village",
        _("Village ranking"),
        "by_village",
        [(_("Village"), "name", TEXT), (_("Petitions"), "count", INT)],
        rank=True,
    )
    villages.rows.append([Cell(""), Cell(_("No village given")), b.fig("without_village")])
    b.rows(
        "top_problems",
        _("Top problems"),
        "top_problems",
        [
            (_("Problem"), "name", TEXT),
            (_("Petitions"), "count", INT),
            (_("Share"), "share", RATE),
            (_("Previous month"), "previous_month", INT),
            (_("Change against the previous month"), "change_vs_previous_month", CHANGE),
            (_("Same month last year"), "same_month_last_year", INT),
            (_("Change against last year"), "change_vs_last_year", CHANGE),
        ],
        rank=True,
    )
    b.rows(
        "units",
        _("Handling units"),
        "units",
        [
            (_("Unit"), "name", TEXT),
            (_("Dispatched"), "dispatched", INT),
            (_("Closed on time"), "closed_on_time", INT),
            (_("Closed late"), "closed_late", INT),
            (_("Still open"), "open", INT),
            (_("Closure rate"), "closure_rate", RATE),
            (_("On-time rate"), "on_time_rate", RATE),
            (_("Dissatisfied"), "dissatisfied", INT),
            (_("Dissatisfied rate"), "dissatisfied_rate", RATE),
        ],
        note=_(
            "The petitions routed to each unit in the month, as they stood when the report was made. Closure "
            "rate: closed / dispatched; on-time rate: closed on time / closed; dissatisfied: rated "
            "dissatisfied or sent back to be redone."
        ),
    )
    b.rows(
        "top_units",
        _("Top 3 units by volume"),
        "top_units",
        [(_("Unit"), "name", TEXT), (_("Petitions"), "count", INT)],
        rank=True,
    )
    b.rows(
        "top_villages",
        _("Top 3 villages by volume"),
        "top_villages",
        [(_("Village"), "name", TEXT), (_("Petitions"), "count", INT)],
        rank=True,
    )
    _mediation(b)
    _accountability(b)
    _early_warning(b)


def _mediation(b: _Builder) -> None:
    from mediation.states import State as CaseState

    mediation = b.figures.get("mediation") or {}
    section = b.section("mediation", _("Mediation"), [_("Figure"), _("Value")])
    if not mediation:
        section.note = _("Not recorded in this report.")
        return
    section.rows.append([Cell(_("Mediation cases registered")), b.fig("mediation.registered")])
    section.rows.append([Cell(_("Mediation cases ended")), b.fig("mediation.ended")])
    labels = dict(CaseState.choices)
    for state in mediation.get("registered_by_state", {}):
        label = _("Registered this month, now: %(state)s") % {"state": labels.get(state, state)}
        section.rows.append([Cell(label), b.fig(f"mediation.registered_by_state.{state}")])


def _accountability(b: _Builder) -> None:
    from accountability.states import AccountabilityForm, Level

    figures = b.figures.get("accountability")
    section = b.section(
        "accountability", _("Liaison meetings, supervision and accountability"), [_("Figure"), _("Value")]
    )
    if not figures:
        section.note = _("Not recorded in this report (made before these figures were kept).")
        return
    levels = dict(Level.choices)
    rows = [
        (_("Meetings held: %(level)s") % {"level": levels.get(k, k)}, f"accountability.meetings.{k}")
        for k in figures["meetings"]
    ]
    rows += [
        (_("Agenda items of the meetings held"), "accountability.agenda_items"),
        (_("Decisions made"), "accountability.decisions.made"),
        (_("of which sent on to the district meeting"), "accountability.decisions.sent_to_district"),
        (_("Decisions carried out"), "accountability.decisions.carried_out"),
        (_("Decisions overdue at the month's end"), "accountability.decisions.overdue"),
        (_("Supervisions opened"), "accountability.supervisions.opened"),
        (_("of which listed supervisions"), "accountability.supervisions.listed"),
        (_("Supervisions closed"), "accountability.supervisions.closed"),
        (_("Supervisions open at the month's end"), "accountability.supervisions.open_at_month_end"),
        (_("Accountability records"), "accountability.records"),
    ]
    forms = dict(AccountabilityForm.choices)
    rows += [
        (_("Accountability: %(form)s") % {"form": forms.get(k, k)}, f"accountability.records_by_form.{k}")
        for k in figures["records_by_form"]
    ]
    section.rows = [[Cell(label), b.fig(path)] for label, path in rows]


def _early_warning(b: _Builder) -> None:
    rule = b.figures["early_warning"]["rule"]
    words = _(
        "A category or village is flagged when its count this month is at least its mean over the "
        "%(months)s previous months plus %(sigmas)s standard deviations (months without petitions count "
        "as 0) and at least %(excess)s above that mean."
    ) % {"months": rule["baseline_months"], "sigmas": rule["sigmas"], "excess": rule["min_excess"]}
    b.facts(
        "early_warning_rule",
        _("Early warning: the rule"),
        [
            (_("Baseline months"), "early_warning.rule.baseline_months", INT),
            (_("Standard deviations above the mean"), "early_warning.rule.sigmas", INT),
            (_("And at least this many above the mean"), "early_warning.rule.min_excess", INT),
        ],
        note=words,
    )
    columns = [
        (_("This month"), "count", INT),
        (_("12-month mean"), "mean", DECIMAL),
        (_("Standard deviation"), "sd", DECIMAL),
    ]
    b.rows(
        "early_warning_categories",
        _("Early warning: categories far above their baseline"),
        "early_warning.categories",
        [(_("Category"), "name", TEXT), *columns],
    )
    b.rows(
        "early_warning_villages",
        _("Early warning: villages far above their baseline"),
        "early_warning.villages",
        [(_("Village"), "name", TEXT), *columns],
    )
    b.rows(
        "early_warning_petitioners",
        _("Early warning: repeated petitioners"),
        "early_warning.repeat_petitioners",
        [(_("Petitioner"), "petitioner", TEXT), (_("Petitions"), "count", INT)],
        note=_("People named on at least %(min)s petitions in the %(days)s days before the month's end.")
        % {"min": selectors.REPEAT_PETITIONER_MIN, "days": selectors.REPEAT_PETITIONER_WINDOW},
    )


def leaf_paths(figures: Any, prefix: str = "") -> dict[str, Any]:
    """Every figure of a snapshot by its path (for the tests and the coverage check)."""
    if isinstance(figures, dict):
        items = figures.items()
    elif isinstance(figures, list):
        items = enumerate(figures)
    else:
        return {prefix: figures}
    out: dict[str, Any] = {}
    for key, value in items:
        out.update(leaf_paths(value, f"{prefix}.{key}" if prefix else str(key)))
    return out
