"""The assessment as an Excel workbook for the review meeting: the ranking and the scheme."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx import safe_row
from duty.assessment import Assessment, num
from duty.models import AssessmentScheme

RED = PatternFill("solid", fgColor="FDECEA")
GREEN = PatternFill("solid", fgColor="E6F4EA")
BOLD = Font(bold=True)


def _percent(rate) -> float | None:
    return None if rate is None else float(rate)


def formula_lines(s: AssessmentScheme) -> list[str]:
    """The scheme in words and numbers, shown next to the scores and in the workbook."""
    return [
        _(
            "Score = 100 × (%(w1)s × on-time rate + %(w2)s × satisfaction rate + %(w3)s × mediation success rate"
            " + %(w4)s × risk defusal rate) ÷ %(total)s"
        )
        % {
            "w1": num(s.weight_on_time),
            "w2": num(s.weight_satisfaction),
            "w3": num(s.weight_mediation),
            "w4": num(s.weight_defusal),
            "total": num(s.weight_total),
        },
        _(
            "− %(repeat)s × repeat petitions − %(skip)s × skip-level petitions"
            " + %(bonus)s × risks found (at most %(cap)s); never below 0."
        )
        % {
            "repeat": num(s.repeat_penalty),
            "skip": num(s.skip_level_penalty),
            "bonus": num(s.risk_bonus),
            "cap": num(s.risk_bonus_cap),
        },
        _("A rate with nothing to measure counts as 100%."),
        _(
            "Red list: placed within the first %(places)s, score at least %(score)s, no skip-level petition in the"
            " period."
        )
        % {"places": s.red_places, "score": num(s.red_min_score)},
        (
            _("Black list: score below %(score)s, or any skip-level petition in the period.")
            if s.black_on_skip_level
            else _("Black list: score below %(score)s.")
        )
        % {"score": num(s.black_below_score)},
        _("No skip-level petition village: none of its residents' petitions registered this year was skip-level."),
    ]


def assessment_workbook(assessment: Assessment) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    ws.append(safe_row(ws, [f"{assessment.town.name} · {_('Village assessment')} · {assessment.period.label}"]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        safe_row(
            ws,
            [
                _("Rank"),
                _("Village"),
                _("Score"),
                _("On-time rate"),
                _("Replied"),
                _("Satisfaction rate"),
                _("Rated"),
                _("Repeat petitions"),
                _("Skip-level petitions"),
                _("Mediation success rate"),
                _("Mediations concluded"),
                _("Risks found"),
                _("Risks defused"),
                _("Red list"),
                _("Black list"),
                _("No skip-level petition village"),
            ],
        )
    )
    for cell in ws[2]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    yes = _("yes")
    for row in assessment.rows:
        ws.append(
            safe_row(
                ws,
                [
                    row.rank,
                    row.village.name,
                    float(row.score),
                    _percent(row.on_time_rate),
                    row.replied,
                    _percent(row.satisfaction_rate),
                    row.rated,
                    row.repeat,
                    row.skip_level,
                    _percent(row.mediation_rate),
                    row.concluded,
                    row.risks_found,
                    row.risks_defused,
                    yes if row.red else "",
                    "; ".join(row.black_reasons),
                    yes if row.holds_title else "",
                ],
            )
        )
        line = ws.max_row
        for col in (4, 6, 10):
            ws.cell(line, col).number_format = "0.0%"
        ws.cell(line, 3).number_format = "0.00"
        if row.red:
            ws.cell(line, 14).fill = GREEN
        if row.black:
            ws.cell(line, 15).fill = RED
    widths = [6, 16, 8, 10, 8, 10, 8, 10, 10, 12, 10, 8, 8, 8, 28, 14]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"

    formula = wb.create_sheet(_("Formula")[:31])
    formula.append([_("How the score is computed")])
    formula["A1"].font = Font(bold=True, size=14)
    for line in formula_lines(assessment.scheme):
        formula.append(safe_row(formula, [line]))
    formula.column_dimensions["A"].width = 120

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
