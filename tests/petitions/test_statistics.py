"""The planner's statistics (core/statistics.py): without them SQLite sorts every petition for
a first page; with them it walks the registration index."""

import pytest
from django.db import connection

from core import statistics
from petitions.models import Petition


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " / ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its statistics")
def test_after_refresh_sqlite_walks_the_index_for_a_first_page(register, units):
    for _ in range(30):
        register()
    first_page = Petition.objects.filter(town=units.zongzhi.town).order_by("-registered_at", "-id")[:25]
    statistics.refresh()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'petitions_petition'")
        assert cursor.fetchone()[0] > 0
    assert "petition_recent" in _plan(first_page) and "TEMP B-TREE" not in _plan(first_page)


def test_refresh_runs_on_any_database(db):
    statistics.refresh()
