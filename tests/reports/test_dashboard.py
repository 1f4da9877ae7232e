"""The leaders' dashboard: who sees it, its figures against the monthly analysis, the lists
linking to cases, and a query count that does not grow with the petitions."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from accountability import services as acc
from accountability.states import SupervisionReason
from petitions.models import Petition
from petitions.states import State
from reports import dashboard, selectors
from tests.conftest import PERSONAS

DASHBOARD_READERS = {"leader", "inspector", "administrator"}
TODAY = date(2026, 3, 20)


@pytest.fixture
def on_the_20th(dataset, clock):
    clock.set(TODAY, hour=9)
    return dataset


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def headline(html: str, key: str) -> dict:
    block = re.search(rf'data-headline="{key}">(.*?)</section>', html, re.S).group(1)
    return {
        part: re.search(rf"data-{part}[^>]*>([^<]*)<", block).group(1).strip()
        for part in ("value", "change", "previous")
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_dashboard(persona, request, login, town):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("reports:dashboard")).status_code == (200 if persona in DASHBOARD_READERS else 403)


def test_the_headlines_agree_with_the_monthly_analysis(on_the_20th, login, leader, town):
    html = login(leader).get(reverse("reports:dashboard")).content.decode()
    march = selectors.monthly_analysis(town=town, month_start=date(2026, 3, 1))
    february = selectors.monthly_analysis(town=town, month_start=date(2026, 2, 1))
    assert headline(html, "registered") == {"value": "4", "change": "+3", "previous": "1"}
    assert march["registered"] == 4 and february["registered"] == 1
    assert headline(html, "response")["value"] == "75.00%" == f"{march['rates']['response'] * 100:.2f}%"
    assert headline(html, "response")["previous"] == "100.00%"  # P6, transferred in time
    assert headline(html, "resolution") == {"value": "50.00%", "change": "—", "previous": "—"}  # none replied in Feb
    assert headline(html, "satisfaction")["value"] == "66.67%"
    assert headline(html, "on_time")["value"] == "100.00%"
    # Overdue: P4 was routed on 5 January and is unanswered past its handle-by date.
    p4 = Petition.objects.get(title="P4")
    assert p4.state == State.HANDLING and date(2026, 3, 1) <= p4.handle_due < TODAY
    assert headline(html, "overdue") == {"value": "1", "change": "+1", "previous": "0"}
    assert 'class="change change-bad"' in re.search(r'data-headline="overdue">(.*?)</section>', html, re.S).group(1)


def test_the_trend_is_twelve_months_to_this_one(on_the_20th, login, leader):
    data = chart_data(login(leader).get(reverse("reports:dashboard")).content.decode())
    assert data["months"][0] == "2025-04" and data["months"][-1] == "2026-03" and len(data["months"]) == 12
    assert data["registered"][-3:] == [1, 1, 4]  # January P4, February P6, March four
    assert data["rates"]["response"][-1] == 75.0 and data["rates"]["satisfaction"][-1] == 66.67
    assert data["rates"]["resolution"][-2] is None


def test_the_breakdowns_of_this_month_and_of_the_year(on_the_20th, login, leader, village_a, village_b):
    client = login(leader)
    month = chart_data(client.get(reverse("reports:dashboard")).content.decode())
    assert month["villages"][:2] == [{"name": village_b.name, "value": 2}, {"name": village_a.name, "value": 2}]
    assert {o["key"]: o["value"] for o in month["origins"]} == {"assigned": 1, "direct": 3, "escalated": 0}
    assert sum(c["value"] for c in month["channels"]) == 4
    assert [c["value"] for c in month["categories"]] == [2, 1, 1]
    year = chart_data(client.get(reverse("reports:dashboard") + "?scope=year").content.decode())
    assert sum(v["value"] for v in year["villages"]) == 6  # P4 in January, P6 in February too
    assert chart_data(client.get(reverse("reports:dashboard") + "?scope=bogus").content.decode()) == month


def test_the_lists_link_to_their_cases(on_the_20th, login, leader, inspector, units, town, clock):
    p4 = Petition.objects.get(title="P4")
    supervision = acc.supervision_open(
        town=town,
        actor=inspector,
        reason=SupervisionReason.DELAY,
        description="逾期未答复",
        rectify_by=date(2026, 3, 31),
        petition=p4,
        listed=True,
    )
    html = login(leader).get(reverse("reports:dashboard")).content.decode()
    link = f'href="{reverse("petitions:detail", args=[p4.tracking_number])}"'
    overdue = re.search(r"<table class=\"table\" data-overdue>(.*?)</table>", html, re.S).group(1)
    listed = re.search(r"<table class=\"table\" data-supervisions>(.*?)</table>", html, re.S).group(1)
    assert link in overdue and link in listed
    assert f'data-supervision="{supervision.pk}"' in listed
    problems = re.search(r"<table class=\"table\" data-top-problems>(.*?)</table>", html, re.S).group(1)
    assert "+1" in problems  # neighbours' boundaries: two in March, one in February


def test_an_overdue_accusation_is_counted_but_listed_only_for_inspectors(
    clock, accusation, walk, login, leader, inspector, town
):
    clock.set(date(2026, 1, 5))
    secret = walk(accusation(), State.HANDLING)
    clock.set(TODAY, hour=9)
    assert dashboard.overdue_counts(town, today=TODAY, last_month_end=date(2026, 2, 28))["now"] == 1
    for reader, listed in ((leader, False), (inspector, True)):
        html = login(reader).get(reverse("reports:dashboard")).content.decode()
        assert headline(html, "overdue")["value"] == "1"
        assert (secret.tracking_number in html) is listed


def test_query_count_is_pinned_and_does_not_grow(
    on_the_20th, login, leader, register, walk, clock, django_assert_num_queries
):
    client = login(leader)
    client.get(reverse("reports:dashboard"))
    # session (the cache was emptied: from the database), user, trend by registration / reply /
    # rating month, overdue now and then, villages,
    # origins, channels, categories (rows, names, total), top problems (rows, names, total,
    # previous and last year), the overdue list, the listed supervisions
    cache.clear()
    with django_assert_num_queries(18):
        client.get(reverse("reports:dashboard"))
    # Within DASHBOARD_CACHE_SECONDS the town's figures come from the cache: only the session,
    # the user and the reader's own lists are asked.
    with django_assert_num_queries(3):
        client.get(reverse("reports:dashboard"))
    for month in (4, 7, 11):
        clock.set(date(2025, month, 10))
        walk(register(title=f"older {month}"), State.CLOSED)
    clock.set(TODAY, hour=9)
    for _ in range(3):
        walk(register(), State.HANDLING)
    cache.clear()
    with django_assert_num_queries(18):
        client.get(reverse("reports:dashboard"))
    assert chart_data(client.get(reverse("reports:dashboard")).content.decode())["registered"][0] == 1  # April 2025


def test_the_figures_are_recomputed_after_the_cache_period(on_the_20th, login, leader, register, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # no caching: every view recomputes
    client = login(leader)
    before = chart_data(client.get(reverse("reports:dashboard")).content.decode())["registered"][-1]
    register()
    after = chart_data(client.get(reverse("reports:dashboard")).content.decode())["registered"][-1]
    assert after == before + 1


def test_the_dashboard_loads_echarts_from_the_desk_itself(login, leader, town):
    html = login(leader).get(reverse("reports:dashboard")).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/dashboard.js" in html
    assert "cdn" not in html.lower()
