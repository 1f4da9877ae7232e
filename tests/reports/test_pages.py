"""The report pages: who reads them, every figure of a snapshot on its page, links to cases,
accusations never named, query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.models import Notification, Role
from petitions.states import State
from reports import selectors, services
from reports.models import ReportSnapshot
from tests.conftest import PERSONAS
from tests.factories import TownFactory
from tests.reports.figures_on_page import assert_every_figure_shown, figures_on_page

WEEKLY = ReportSnapshot.Kind.WEEKLY_CIRCULAR
MONTHLY = ReportSnapshot.Kind.MONTHLY_ANALYSIS
READERS = set(PERSONAS) - {"mediator_a"}  # mediators see no petitions, so no reports either


@pytest.fixture
def reports_made(dataset, clock, town):
    clock.set(date(2026, 4, 1), hour=7)
    weekly = services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 3, 9))
    monthly = services.report_generate(kind=MONTHLY, town=town, period_start=date(2026, 3, 1))
    return weekly, monthly


def detail(snapshot) -> str:
    return reverse("reports:detail", args=[snapshot.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_reports(persona, request, login, reports_made):
    user = request.getfixturevalue(persona)
    client = login(user)
    weekly, monthly = reports_made
    allowed = persona in READERS
    listing = client.get(reverse("reports:list"))
    assert listing.status_code == (200 if allowed else 403)
    for snapshot in (weekly, monthly):
        assert client.get(detail(snapshot)).status_code == (200 if allowed else 404)
        assert client.get(reverse("reports:xlsx", args=[snapshot.pk])).status_code == (200 if allowed else 404)
    if allowed:
        html = listing.content.decode()
        assert f'data-report="{weekly.pk}"' in html and f'data-report="{monthly.pk}"' in html


def test_anonymous_visitors_are_sent_to_log_in(client, reports_made):
    weekly, _monthly = reports_made
    for url in (reverse("reports:list"), detail(weekly), reverse("reports:dashboard"), reverse("reports:jobs")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_another_towns_report_is_not_found(login, leader, reports_made):
    _weekly, monthly = reports_made
    elsewhere = ReportSnapshot.objects.create(
        kind=MONTHLY,
        town=TownFactory(code="341502106", name="别的镇", tracking_prefix="BDZ"),
        period_start=monthly.period_start,
        period_end=monthly.period_end,
        figures=monthly.figures,
        version=monthly.version,
        generated_at=monthly.generated_at,
    )
    client = login(leader)
    for name in ("reports:detail", "reports:pdf", "reports:xlsx"):
        assert client.get(reverse(name, args=[elsewhere.pk])).status_code == 404
    assert f'data-report="{elsewhere.pk}"' not in client.get(reverse("reports:list")).content.decode()


@pytest.mark.parametrize("kind", [WEEKLY, MONTHLY])
def test_every_figure_of_the_report_is_on_its_page(kind, login, leader, reports_made):
    snapshot = next(s for s in reports_made if s.kind == kind)
    html = login(leader).get(detail(snapshot)).content.decode()
    shown = assert_every_figure_shown(snapshot.figures, html)
    if kind == WEEKLY:  # the dataset fills the lists, so their rows are checked too
        assert shown["overdue.0.days_overdue"] == ["55"]
        assert shown["units_under_floor.0.satisfaction_rate"] == ["50.00%"]
        assert shown["new.change_rate"] == ["+200.00%"]
    else:
        assert shown["rates.satisfaction"] == ["66.67%"] and shown["rate_bases.rated"] == ["3"]
        assert shown["top_problems.0.change_vs_previous_month"] == ["+1"]
        assert shown["early_warning.repeat_petitioners.0.count"] == ["6"]
        assert "12" in shown["early_warning.rule.baseline_months"]


def test_the_early_warning_rule_is_said_in_words(login, leader, reports_made):
    _weekly, monthly = reports_made
    client = login(leader)
    client.cookies["django_language"] = "en"  # the words are checked in the msgid language
    html = client.get(detail(monthly)).content.decode()
    assert "plus 2 standard deviations" in html and "at least 5 above that mean" in html


def test_overdue_cases_link_to_the_case_only_for_readers_who_may_open_it(
    login, desk_clerk, grid_worker_a, grid_worker_b, reports_made
):
    weekly, _monthly = reports_made
    number = weekly.figures["overdue"][0]["tracking_number"]
    link = f'href="{reverse("petitions:detail", args=[number])}"'
    for reader, linked in ((desk_clerk, True), (grid_worker_a, True), (grid_worker_b, False)):
        html = login(reader).get(detail(weekly)).content.decode()
        assert number in html
        assert (link in html) is linked, reader


def test_an_accusation_is_counted_but_never_named(
    clock, accusation, walk, town, login, grid_worker_a, inspector, leader, village_agent_a
):
    clock.set(date(2026, 1, 5))
    secret = walk(accusation(), State.HANDLING)  # never notified: overdue by March
    clock.set(date(2026, 3, 10))
    named = accusation()
    clock.set(date(2026, 3, 16), hour=8)
    snapshot = services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 3, 9))
    assert snapshot.figures["new"]["count"] == 1 and snapshot.figures["by_kind"]["accusation"] == 1
    assert snapshot.figures["overdue"] == []
    for reader in (grid_worker_a, inspector):
        html = login(reader).get(detail(snapshot)).content.decode()
        assert secret.tracking_number not in html and named.tracking_number not in html
    # Announced to the town's leaders and the villages' petition agents, linking to the report.
    for recipient in (leader, village_agent_a):
        note = Notification.objects.get(recipient=recipient)
        assert note.url == detail(snapshot)


def test_the_list_is_newest_first_and_filters_by_kind(login, leader, town, clock):
    clock.set(date(2026, 4, 1), hour=7)
    for week in range(3):
        services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 3, 2) + timedelta(weeks=week))
    services.report_generate(kind=MONTHLY, town=town, period_start=date(2026, 2, 1))
    client = login(leader)
    html = client.get(reverse("reports:list")).content.decode()
    order = [int(pk) for pk in re.findall(r'data-report="(\d+)"', html)]
    expected = list(ReportSnapshot.objects.order_by("-period_start", "kind").values_list("pk", flat=True))
    assert order == expected
    assert ReportSnapshot.objects.get(pk=order[0]).period_start == date(2026, 3, 16)
    only_monthly = client.get(reverse("reports:list") + "?kind=monthly_analysis").content.decode()
    monthly = ReportSnapshot.objects.get(kind=MONTHLY)
    assert re.findall(r'data-report="(\d+)"', only_monthly) == [str(monthly.pk)]


def test_list_query_count_is_pinned(login, leader, town, clock, django_assert_num_queries):
    clock.set(date(2026, 4, 1), hour=7)
    services.report_generate(kind=MONTHLY, town=town, period_start=date(2026, 2, 1))
    client = login(leader)
    client.get(reverse("reports:list"))
    # user (the session is cached), count, page (the towns joined)
    with django_assert_num_queries(3):
        client.get(reverse("reports:list"))
    for week in range(6):
        services.report_generate(kind=WEEKLY, town=town, period_start=date(2026, 1, 5) + timedelta(weeks=week))
    with django_assert_num_queries(3):
        client.get(reverse("reports:list"))


def test_detail_query_count_is_pinned(login, leader, reports_made, register, django_assert_num_queries):
    weekly, monthly = reports_made
    client = login(leader)
    # user (the session is cached), the snapshot with its town and maker, the tracking numbers the reader may
    # open (the circular names cases; the analysis names none and skips it)
    with django_assert_num_queries(3):
        client.get(detail(weekly))
    with django_assert_num_queries(2):
        client.get(detail(monthly))
    for _ in range(5):
        register()
    with django_assert_num_queries(3):
        client.get(detail(weekly))


def test_a_report_without_tracking_numbers_skips_the_lookup(login, leader, town, clock, django_assert_num_queries):
    clock.set(date(2026, 4, 1), hour=7)
    snapshot = services.report_generate(kind=MONTHLY, town=town, period_start=date(2026, 3, 1))
    client = login(leader)
    with django_assert_num_queries(2):
        response = client.get(detail(snapshot))
    assert figures_on_page(response.content.decode())["registered"] == ["0"]


def test_a_snapshot_made_before_the_accountability_figures_says_so(login, leader, reports_made):
    _weekly, monthly = reports_made
    figures = {**monthly.figures, "accountability": None, "version": 1}
    old = ReportSnapshot.objects.create(
        kind=MONTHLY,
        town=monthly.town,
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        figures=figures,
        version=1,
        generated_at=monthly.generated_at,
    )
    client = login(leader)
    client.cookies["django_language"] = "en"
    html = client.get(detail(old)).content.decode()
    assert "Not recorded in this report (made before these figures were kept)." in html
    assert selectors.FIGURES_VERSION == 2


def test_the_leaders_home_page_links_to_the_dashboard_and_reports(login, leader):
    html = login(leader).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' in html and f'href="{reverse("reports:list")}"' in html


def test_navigation_entries(login, leader, grid_worker_a, mediator_a, desk_clerk):
    def nav(user):
        return set(re.findall(r'data-nav="(\w+)"', login(user).get(reverse("core:home")).content.decode()))

    assert {"dashboard", "reports"} <= nav(leader)
    assert "reports" in nav(desk_clerk) and "dashboard" not in nav(desk_clerk)
    assert "reports" in nav(grid_worker_a) and "dashboard" not in nav(grid_worker_a)
    assert not {"reports", "dashboard"} & nav(mediator_a)
    assert mediator_a.role == Role.MEDIATOR
