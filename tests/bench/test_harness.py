"""The benchmark harness itself works (bench/): on a tiny demo it picks what to ask for,
counts every page's queries, times the report tasks against their SQL floor and renders the
table. No timing is asserted here: speed is the benchmark's business (python bench/run.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from desk.demo import build_demo
from petitions.models import Petition
from petitions.pagination import CappedPaginator

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import pages  # noqa: E402
import probe  # noqa: E402
import run  # noqa: E402

TODAY = date(2026, 11, 26)


@pytest.fixture
def tiny(db):
    """300 petitions over three months, 120 of them in October (the "busiest month")."""
    result = build_demo(seed=7, petitions=300, months=3, today=TODAY, peak_month=120)
    assert result.petitions == 300
    return result


def test_the_peak_month_holds_the_asked_number_more_than_any_other(tiny):
    month, n = probe.busiest_month()
    assert month == date(2026, 10, 1)
    in_october = Petition.objects.filter(
        registered_at__date__gte=date(2026, 10, 1), registered_at__date__lt=TODAY.replace(day=1)
    )
    assert n == in_october.count() >= 120


def test_the_sample_names_rows_that_exist(tiny):
    sample = pages.Sample(**probe.sample())
    assert sample.numbers and sample.phones
    assert Petition.objects.filter(tracking_number__in=sample.numbers).count() == len(set(sample.numbers))
    assert all(Petition.objects.filter(tracking_number=n, query_code=c).exists() for n, c in sample.codes)


def test_every_page_answers_and_has_its_query_count(tiny):
    sample = pages.Sample(**probe.sample())
    counts = probe.queries(sample)
    for page in pages.PAGES:
        expected = 302 if page.key == "intake" else 200
        assert counts[page.key]["status"] == expected, page.key
        assert counts[page.key]["queries"] > 0
    # Drawn lists cost the same on a quiet village, a busy one and its second page; the same
    # list again comes from the cache (session and user only).
    assert (
        counts["list_quiet_village"]["queries"] == counts["list_first"]["queries"] == counts["list_page_2"]["queries"]
    )
    assert counts["list"]["queries"] == 1 < counts["list_first"]["queries"]  # the user; body and session cached
    assert counts["intake"]["submit"] <= 12
    # The intake's petition was rolled back: the query pass leaves the data as it was.
    assert not Petition.objects.filter(title__startswith=pages.MARK).exists()


def test_the_report_tasks_are_timed_next_to_their_sql_floor(tiny):
    monthly = probe.task("monthly")
    assert monthly["period_start"] == "2026-10-01"
    assert monthly["registered_in_period"] == monthly["petitions_in_month"]
    assert monthly["floor_s"] > 0 and monthly["select_statements"] > 0
    weekly = probe.task("weekly")
    assert weekly["period_start"] == "2026-10-05"  # the Monday of the week holding 8 October
    from reports.models import ReportSnapshot

    assert not ReportSnapshot.objects.exists()  # measured, then rolled back


def test_the_table_names_each_measure_its_target_and_a_verdict():
    page = {"median_ms": 10.0, "p95_ms": 20.0, "requests": 200, "errors": 0}
    slow = {**page, "median_ms": 400.0}
    results = {
        "when": "now",
        "command": "python bench/run.py",
        "machine": "2 cores",
        "petitions": 1_000_000,
        "load_before": 1.0,
        "load_after": 1.0,
        "clients": 8,
        "seed": {"seconds": 500.0},
        "postgresql": {
            p.key: {**(slow if p.key == "dashboard" else page), "throughput": {"per_second": 200.0, "errors": 0}}
            for p in pages.PAGES
        },
        "intake_submitted": 300,
        "intake_stored": 300,
        "queries": {
            **{p.key: {"queries": 9} for p in pages.PAGES},
            "list_quiet_village": {"queries": 9, "open_cases": 12},
            "list_page_2": {"queries": 9},
        },
        "tasks": {
            k: {
                "wall_s": 1.0,
                "floor_s": 0.5,
                "ratio": 2.0,
                "tracemalloc_peak_mb": 10,
                "maxrss_mb": 120,
                "petitions_in_month": 100_000,
                "period_start": "2026-10-01",
            }
            for k in ("monthly", "weekly")
        },
        "worker_rss_mb": [100.0, 110.0],
    }
    rows = run.table(results)
    verdicts = {label: verdict for label, _figure, _target, verdict in rows}
    assert verdicts[pages.BY_KEY["list"].label] == "pass"
    assert verdicts[pages.BY_KEY["dashboard"].label] == "**FAIL**"
    assert verdicts["monthly analysis task"] == "pass"
    assert "| measure | figure | target | result |" in run.render(results)


def test_a_long_list_counts_up_to_the_cap_only(tiny):
    petitions = Petition.objects.order_by("-registered_at", "-id")
    paginator = CappedPaginator(petitions, 25)
    assert not paginator.capped and paginator.count == 300
    paginator = CappedPaginator(petitions, 25)
    paginator.cap = 100
    assert paginator.capped and paginator.count == 101 and paginator.num_pages == 4
    assert len(paginator.get_page(4).object_list) == 25


def test_forget_deletes_what_earlier_runs_registered_and_nothing_else(tiny):
    sample = pages.Sample(**probe.sample())
    client = probe._client("clerk")
    for i in range(3):
        assert probe._run(client, "intake", sample, i).status_code == 302
    before = Petition.objects.count()
    assert probe.count(pages.MARK)["count"] == 3
    assert probe.forget(pages.MARK) == {"deleted": 3}
    assert probe.count(pages.MARK)["count"] == 0
    assert Petition.objects.count() == before - 3
