"""The PDF and Excel downloads of a report hold the same figures as the snapshot."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports.export import render_snapshot_xlsx
from reports.sections import DASH, leaf_paths, sections
from reports.sections import _get as figure_at
from tests.formulas import HYPERLINK, assert_written_as_text
from tests.reports.figures_on_page import NOT_SHOWN, assert_matches
from tests.reports.test_pages import reports_made  # noqa: F401 - the fixture


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def assert_in_order(text: str, needles: list[str], where: str) -> None:
    """Every needle is in the text. (Not checked in order: PostgreSQL's jsonb keeps a snapshot's
    keys in its own order, so the order of the values within a section may differ.)"""
    for needle in needles:
        assert re.sub(r"\s+", "", needle) in text, f"{where}: {needle!r} not found"


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("which", [0, 1], ids=["weekly", "monthly"])
def test_the_excel_workbook_holds_every_figure_of_the_snapshot(which, login, grid_worker_a, reports_made):  # noqa: F811
    snapshot = reports_made[which]
    response = login(grid_worker_a).get(reverse("reports:xlsx", args=[snapshot.pk]))
    assert f"{snapshot.kind}-{snapshot.period_start:%Y-%m-%d}.xlsx" in response["Content-Disposition"]
    book = workbook_of(response)
    tables = sections(snapshot.figures)
    assert len(book.worksheets) == len(tables) + 1  # a cover sheet, then one per table
    assert book.worksheets[0]["B2"].value == snapshot.figures["period"]["start"]
    seen = set()
    for table, sheet in zip(tables, book.worksheets[1:], strict=True):
        assert [c.value for c in sheet[1]] == table.columns
        for r, row in enumerate(table.rows, start=2):
            for c, cell in enumerate(row, start=1):
                if cell.path is None:
                    continue
                value = figure_at(snapshot.figures, cell.path)  # straight from the snapshot
                got = sheet.cell(r, c).value
                if value is None:
                    assert got == DASH, cell.path
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    assert got == value, (cell.path, got, value)  # numbers stay numbers
                else:
                    assert_matches(cell.path, value, got)  # names, dates, yes/no, states in words
                seen.add(cell.path)
    figures = {p for p in leaf_paths(snapshot.figures) if not NOT_SHOWN.search(p) and not p.startswith("period.")}
    assert figures <= seen, sorted(figures - seen)


def test_rates_are_numbers_formatted_as_percentages(reports_made):  # noqa: F811
    _weekly, monthly = reports_made
    book = load_workbook(io.BytesIO(render_snapshot_xlsx(monthly)))
    with translation.override("zh-hans"):  # the workbook is always in Chinese, like the circular
        rate = translation.gettext("Rate")
    rates = next(sheet for sheet in book.worksheets if sheet["A1"].value == rate)
    assert rates["B2"].value == monthly.figures["rates"]["response"] == 0.75
    assert rates["B2"].number_format == "0.00%"
    assert (rates["C2"].value, rates["D2"].value) == (3, 4)  # responded of registered


@pytest.mark.pdf
@pytest.mark.parametrize("which", [0, 1], ids=["weekly", "monthly"])
def test_the_pdf_holds_every_table_of_the_page(which, login, leader, reports_made):  # noqa: F811
    snapshot = reports_made[which]
    response = login(leader).get(reverse("reports:pdf", args=[snapshot.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert snapshot.town.name in text
    for table in sections(snapshot.figures):
        cells = [cell.display for row in table.rows for cell in row if cell.display]
        assert_in_order(text, [table.title, *cells], table.key)
    if which == 0:
        overdue = snapshot.figures["overdue"][0]
        assert_in_order(text, [overdue["tracking_number"], overdue["unit"], overdue["responsible_leader"]], "overdue")
    else:
        assert_in_order(text, ["75.00%", "3", "4"], "response rate with its base")


@pytest.mark.pdf
def test_the_pdf_embeds_a_cjk_font(login, leader, reports_made):  # noqa: F811
    from pypdf import PdfReader

    _weekly, monthly = reports_made
    data = login(leader).get(reverse("reports:pdf", args=[monthly.pk])).content
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts


def test_mediators_download_nothing(login, mediator_a, reports_made):  # noqa: F811
    client = login(mediator_a)
    for snapshot in reports_made:
        for name in ("reports:pdf", "reports:xlsx"):
            assert client.get(reverse(name, args=[snapshot.pk])).status_code == 404


def test_a_name_that_looks_like_a_formula_is_written_as_text(reports_made, town):  # noqa: F811
    _weekly, monthly = reports_made
    town.name = HYPERLINK
    town.save()
    monthly.refresh_from_db()
    assert_written_as_text(load_workbook(io.BytesIO(render_snapshot_xlsx(monthly))), HYPERLINK)
