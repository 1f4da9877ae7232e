"""A town leader opens the dashboard on a large screen and on a phone: every chart is drawn
with data; then the monthly analysis, whose PDF and Excel downloads hold the page's figures."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from petitions.states import Channel, State
from reports import services
from reports.models import ReportSnapshot
from reports.selectors import month_of, months_before
from tests.factories import PASSWORD
from tests.petitions.conftest import *  # noqa: F403 - the petition fixtures (register, walk, clock, …)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHARTS = ("volume", "rates", "villages", "origins", "channels", "categories")

# Per chart: how many data points its series hold and their total, read from ECharts itself,
# and whether its canvas has any painted pixel.
CHART_STATE = """() => Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const chart = window.echarts.getInstanceByDom(el);
  const series = chart ? chart.getOption().series : [];
  const values = series.flatMap(s => s.data.map(d => (d !== null && typeof d === 'object') ? d.value : d))
    .filter(v => typeof v === 'number');
  const canvas = el.querySelector('canvas');
  let painted = false;
  if (canvas && canvas.width && canvas.height) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4 * 16) { if (pixels[i] > 0) { painted = true; break; } }
  }
  const box = el.getBoundingClientRect();
  return {name: el.dataset.chart, points: values.length, total: values.reduce((a, b) => a + b, 0),
          painted, left: Math.round(box.left), top: Math.round(box.top), width: Math.round(box.width)};
})"""

# The page's tables: per section, each row's cell texts (the "none" placeholder row left out).
PAGE_TABLES = """() => Array.from(document.querySelectorAll('[data-section]')).map(section => ({
  key: section.dataset.section,
  title: section.querySelector('h2').innerText.trim(),
  rows: Array.from(section.querySelectorAll('tbody tr')).filter(tr => !tr.querySelector('td.empty'))
    .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))
}))"""


@pytest.fixture
def year_of_petitions(reference_data, clock, register, walk, town, village_a, village_b, leader, units):
    """Petitions in the five months before this one (closed, rated) and this month (open)."""
    today = timezone.localdate()
    this_month = month_of(today)
    for back in range(1, 6):
        first = months_before(this_month, back).start
        for i in range(back + 1):
            clock.set(first + timedelta(days=2 + i))
            village = village_a if i % 2 else village_b
            walk(register(title=f"往月诉求{back}-{i}", village=village), State.CLOSED)
    clock.set(today, hour=7)
    walk(register(title="本月诉求一", channel=Channel.HOTLINE), State.HANDLING)
    register(title="本月诉求二", village=village_b)
    last_month = months_before(this_month, 1)
    snapshot = services.report_generate(
        kind=ReportSnapshot.Kind.MONTHLY_ANALYSIS, town=town, period_start=last_month.start
    )
    clock.stop()
    return snapshot


def log_in(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def open_dashboard(page, live_server):
    page.locator("[data-dashboard]").click()  # the leader's home page links to it
    page.wait_for_url(live_server.url + "/dashboard/")
    page.wait_for_function(f"() => document.querySelectorAll('[data-chart][data-drawn]').length === {len(CHARTS)}")
    return {chart["name"]: chart for chart in page.evaluate(CHART_STATE)}


def assert_drawn_with_data(charts: dict) -> None:
    assert set(charts) == set(CHARTS)
    for name, chart in charts.items():
        assert chart["painted"], f"{name}: nothing painted on its canvas"
        assert chart["points"] > 0 and chart["total"] > 0, f"{name}: no data in its series"
    assert charts["volume"]["points"] == 12 and charts["volume"]["total"] == 22  # 2+3+4+5+6 before, 2 now
    assert charts["villages"]["total"] == 2  # this month's, by village


def test_a_leader_reads_the_dashboard_on_a_large_screen_and_on_a_phone(
    browser, live_server, year_of_petitions, screenshot_dir
):
    context, page = log_in(browser, live_server, DESKTOP)
    charts = open_dashboard(page, live_server)
    assert_drawn_with_data(charts)
    # Large screen: the two trend charts side by side.
    assert charts["volume"]["top"] == charts["rates"]["top"] and charts["volume"]["left"] < charts["rates"]["left"]
    assert page.locator("[data-headline]").count() == 6
    page.screenshot(path=str(screenshot_dir / "dashboard-desktop.png"), full_page=True)
    # The year's breakdowns.
    page.locator("[data-scope=year]").click()
    page.wait_for_url(live_server.url + "/dashboard/?scope=year")
    page.wait_for_function(f"() => document.querySelectorAll('[data-chart][data-drawn]').length === {len(CHARTS)}")
    year = {chart["name"]: chart for chart in page.evaluate(CHART_STATE)}
    assert year["villages"]["total"] == 22
    context.close()

    context, page = log_in(browser, live_server, PHONE)
    charts = open_dashboard(page, live_server)
    assert_drawn_with_data(charts)
    # Phone: the charts stack in one column, and nothing is wider than the screen.
    assert len({chart["left"] for chart in charts.values()}) == 1
    assert all(chart["width"] <= PHONE["width"] for chart in charts.values())
    assert charts["volume"]["top"] < charts["rates"]["top"] < charts["villages"]["top"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot_dir / "dashboard-phone.png"), full_page=True)
    context.close()


def as_shown(cell) -> str:
    """An Excel cell as the page shows the same figure."""
    value, fmt = cell.value, cell.number_format
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if fmt == "0.00%":
        return f"{value * 100:.2f}%"
    if fmt == "+0;-0;0":
        return f"{value:+d}" if value else "0"
    if fmt.startswith("+0.00%"):
        return f"{value * 100:+.2f}%" if value else "0.00%"
    if fmt == "0.0#":
        return str(float(value))
    return str(value)


@pytest.mark.pdf
def test_the_downloads_of_a_monthly_analysis_hold_the_figures_of_its_page(
    browser, live_server, year_of_petitions, screenshot_dir
):
    from pypdf import PdfReader

    snapshot = year_of_petitions
    context, page = log_in(browser, live_server, DESKTOP)
    page.goto(live_server.url + "/reports/")
    page.locator(f"[data-report='{snapshot.pk}'] a").click()
    page.wait_for_url(f"{live_server.url}/reports/{snapshot.pk}/")
    tables = page.evaluate(PAGE_TABLES)
    assert len(tables) > 10
    registered = page.locator("[data-figure=registered]").inner_text()
    assert registered == str(snapshot.figures["registered"]) and registered != "0"
    page.screenshot(path=str(screenshot_dir / "monthly-analysis-desktop.png"), full_page=True)

    with page.expect_download() as excel:
        page.locator("[data-download=xlsx]").click()
    assert excel.value.suggested_filename == f"monthly_analysis-{snapshot.period_start:%Y-%m-%d}.xlsx"
    with open(excel.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert len(book.worksheets) == len(tables) + 1
    for table, sheet in zip(tables, book.worksheets[1:], strict=True):
        rows = [[as_shown(c) for c in row] for row in sheet.iter_rows(min_row=2, max_row=1 + len(table["rows"]))]
        assert rows == table["rows"], table["key"]

    with page.expect_download() as pdf:
        page.locator("[data-download=pdf]").click()
    with open(pdf.value.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    for table in tables:
        position = 0
        for needle in [table["title"], *(cell for row in table["rows"] for cell in row if cell)]:
            needle = re.sub(r"\s+", "", needle)
            found = text.find(needle, position)
            assert found >= 0, f"{table['key']}: {needle!r} not in the PDF after {position}"
            position = found + len(needle)
    # Let the live server finish the download's request before the test's database goes away.
    page.reload()
    page.locator("[data-section]").first.wait_for()
    context.close()
    assert date.fromisoformat(snapshot.figures["period"]["end"]) < timezone.localdate()
