"""A report snapshot as an Excel workbook (openpyxl): a cover sheet, then one sheet per table
of ``reports.sections``, figures as numbers (shares formatted as percentages), in Chinese."""

from __future__ import annotations

import io
import re

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx import safe_row
from reports.models import ReportSnapshot
from reports.pdf import DOCUMENT_LANGUAGE
from reports.sections import CHANGE, CHANGE_RATE, DASH, DECIMAL, RATE, Cell, sections

FORMATS = {RATE: "0.00%", CHANGE: "+0;-0;0", CHANGE_RATE: "+0.00%;-0.00%;0.00%", DECIMAL: "0.0#"}
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
TITLE = Font(bold=True, size=14)
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name, each name once."""
    base = SHEET_NAME.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _value(cell: Cell):
    """Numbers stay numbers (formatted by FORMATS); a missing rate is a dash; the rest text."""
    if cell.value is None:
        return DASH if cell.path else ""
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        return cell.value
    return cell.display


def render_snapshot_xlsx(snapshot: ReportSnapshot) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        workbook = Workbook()
        cover = workbook.active
        taken: set[str] = set()
        cover.title = sheet_title(_("Report"), taken)
        cover.append(safe_row(cover, [f"{snapshot.town.name} {snapshot.get_kind_display()}"]))
        cover["A1"].font = TITLE
        for label, value in (
            (_("Period start"), snapshot.figures["period"]["start"]),
            (_("Period end"), snapshot.figures["period"]["end"]),
            (_("Generated at"), timezone.localtime(snapshot.generated_at).strftime("%Y-%m-%d %H:%M")),
            (_("Figures version"), snapshot.version),
        ):
            cover.append(safe_row(cover, [label, value]))
        cover.column_dimensions["A"].width = 24
        cover.column_dimensions["B"].width = 24
        for section in sections(snapshot.figures):
            sheet = workbook.create_sheet(sheet_title(section.title, taken))
            sheet.append(safe_row(sheet, section.columns))
            for cell in sheet[1]:
                cell.font, cell.fill = HEADER, HEADER_FILL
            for row in section.rows:
                sheet.append(safe_row(sheet, [_value(c) for c in row]))
                for target, source in zip(sheet[sheet.max_row], row, strict=True):
                    if source.fmt in FORMATS and source.value is not None:
                        target.number_format = FORMATS[source.fmt]
            if section.note:
                sheet.append([])
                sheet.append(safe_row(sheet, [section.note]))
                sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=False)
            for i, column in enumerate(section.columns, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(column)) * 2 + 4))
            sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
