"""The benchmark's in-process measures, each run as ``python bench/probe.py <what>`` in its
own process (so peak memory is the task's own) against the database of DATABASE_URL:

- ``sample``: ids, tracking numbers, query codes and phone numbers to ask for (JSON);
- ``queries``: the SQL query count of every page (Django's test client + CaptureQueriesContext),
  on two villages of different sizes and two list pages, to show it does not grow with rows;
- ``task monthly|weekly``: the report task (compute and store the snapshot, rolled back after)
  for the month holding the most petitions: wall time (a run without tracemalloc), peak Python
  memory (tracemalloc, a second run), peak RSS, and the database floor (the same SQL
  statements replayed on a raw cursor, no ORM);
- ``explain``: EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query, into bench/plans/;
- ``count MARK``: how many petitions have a title starting with MARK (the lost-petition check);
- ``forget MARK``: delete the petitions earlier runs registered (titles starting with MARK).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pages import PAGES, Sample, intake_data, request_for  # noqa: E402

PLANS = ROOT / "bench" / "plans"


def _town():
    from core.models import Town

    return Town.objects.order_by("pk").first()


def sample() -> dict:
    from petitions.models import Category, Petition, PetitionPetitioner
    from petitions.states import OPEN_STATES, Kind

    town = _town()
    visible = Petition.objects.filter(town=town).exclude(kind=Kind.ACCUSATION)
    busiest = (
        visible.filter(state__in=OPEN_STATES, village__isnull=False)
        .values("village")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    last = visible.order_by("-id").values_list("id", flat=True).first() or 0
    # Spread over the whole table: every 997th id from the top (no ORDER BY random() on 1M rows).
    step = max(1, last // 400)
    rows = list(visible.filter(id__in=range(1, last + 1, step)).values_list("tracking_number", "query_code")[:300])
    people = PetitionPetitioner.objects.filter(petition__town=town, petition__kind__in=[Kind.GRIEVANCE])
    ids = list(people.filter(id__in=range(1, last + 1, step)).values_list("petitioner_id", flat=True)[:100])
    from petitions.models import Petitioner

    phones = [p.phone for p in Petitioner.objects.filter(pk__in=ids) if p.phone]
    category = Category.objects.filter(parent__isnull=False, active=True).order_by("sort", "code").first()
    return Sample(
        village=busiest["village"],
        numbers=[n for n, _ in rows],
        codes=[[n, c] for n, c in rows],
        phones=phones,
        category=category.pk,
    ).__dict__


def _client(persona: str) -> Client:
    from core.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if persona:
        client.force_login(User.objects.get(username=persona))
    return client


def _run(client: Client, key: str, s: Sample, i: int):
    method, path, data = request_for(key, s, i)
    if key == "intake":
        client.get(path)
        return client.post(path, intake_data(s, i))
    return client.post(path, data) if method == "POST" else client.get(path)


def _statements(captured) -> int:
    """SQL statements of a request. The probe runs inside one outer transaction (rolled back at
    the end), which turns a view's own transaction into SAVEPOINT … RELEASE; served for real
    that transaction is BEGIN … COMMIT, which Django reports on no page, so neither is counted."""
    return sum(1 for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith(_TRANSACTION_CONTROL))


_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _count(client, key, s, i) -> tuple[int, int, list[dict]]:
    with CaptureQueriesContext(connection) as captured:
        response = _run(client, key, s, i)
    return response.status_code, _statements(captured), captured.captured_queries


def queries(s: Sample) -> dict:
    """Query count per page; the list also on the quietest village and on its second page."""
    from petitions.models import Petition
    from petitions.states import OPEN_STATES

    out = {}
    with transaction.atomic():
        for page in PAGES:
            client = _client(page.persona)
            _count(client, page.key, s, 0)  # warm: first-request caches (calendar, limits, sessions)
            status, n, _ = _count(client, page.key, s, 1)
            out[page.key] = {"status": status, "queries": n}
            if page.key == "intake":  # two requests: the form, then its submission (a write)
                with CaptureQueriesContext(connection) as form:
                    client.get("/petitions/new/")
                with CaptureQueriesContext(connection) as submit:
                    client.post("/petitions/new/", intake_data(s, 2))
                out[page.key].update(form=_statements(form), submit=_statements(submit))
        client = _client("clerk")
        quiet = (
            Petition.objects.filter(state__in=OPEN_STATES, village__isnull=False)
            .values("village")
            .annotate(n=Count("id"))
            .order_by("n")
            .first()
        )
        small = Sample(**{**s.__dict__, "village": quiet["village"]})
        # Drawn lists (not the cache's): the quietest village's first page, the busiest one's second.
        _count(client, "list_first", small, 0)  # warm, as for every page (a login refreshes the choices)
        out["list_quiet_village"] = {"queries": _count(client, "list_first", small, 1)[1], "open_cases": quiet["n"]}
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/petitions/?village={s.village}&open=true&page=2")
        out["list_page_2"] = {"queries": _statements(captured)}
        transaction.set_rollback(True)  # the intake's petitions are the HTTP run's business
    return out


def _floor(statements: list[str]) -> float:
    """Seconds the database takes for the statements alone: replayed on a raw cursor."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - started


def busiest_month():
    from petitions.models import Petition

    row = (
        Petition.objects.annotate(m=TruncMonth("registered_at"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return row["m"].date() if hasattr(row["m"], "date") else row["m"], row["n"]


def _task_run(report_kind: str, town, start: date, *, traced: bool) -> tuple:
    """One run of the task's service, rolled back: (snapshot, seconds, peak bytes, queries)."""
    from reports.models import ReportSnapshot
    from reports.services import report_generate

    peak = None
    with transaction.atomic():
        ReportSnapshot.objects.filter(kind=report_kind, town=town).delete()  # compute, never find
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            snapshot = report_generate(kind=report_kind, town=town, period_start=start)
        wall = time.perf_counter() - started
        if traced:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        transaction.set_rollback(True)
    return snapshot, wall, peak, captured.captured_queries


def task(kind: str) -> dict:
    from reports.models import ReportSnapshot

    town = _town()
    month, in_month = busiest_month()
    if kind == "monthly":
        report_kind, start = ReportSnapshot.Kind.MONTHLY_ANALYSIS, month
    else:
        report_kind, start = ReportSnapshot.Kind.WEEKLY_CIRCULAR, date(month.year, month.month, 8)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Timed without tracemalloc, which slows every allocation several-fold (it would time the
    # tracing, not the task); the peak of Python memory comes from a second, traced run.
    snapshot, wall, _, queries = _task_run(report_kind, town, start, traced=False)
    _, traced_wall, peak, _ = _task_run(report_kind, town, start, traced=True)
    statements = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    registered = snapshot.figures.get("registered") or snapshot.figures.get("new", {}).get("count")
    floor = min(_floor(statements) for _ in range(2))
    return {
        "kind": kind,
        "period_start": str(snapshot.period_start),
        "petitions_in_month": in_month,
        "registered_in_period": registered,
        "wall_s": round(wall, 3),
        "floor_s": round(floor, 3),
        "ratio": round(wall / floor, 2) if floor else None,
        "traced_wall_s": round(traced_wall, 3),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "maxrss_before_mb": round(rss_before / 1024, 1),
        "queries": len(queries),
        "select_statements": len(statements),
        "slowest": [[float(q["time"]), q["sql"][:160]] for q in sorted(queries, key=lambda q: -float(q["time"]))[:8]],
    }


def explain(s: Sample) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of each page's slowest statement."""
    PLANS.mkdir(exist_ok=True)
    written = {}
    with transaction.atomic():
        for page in PAGES:
            client = _client(page.persona)
            _count(client, page.key, s, 0)
            _, _, captured = _count(client, page.key, s, 2)
            selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
            if not selects:
                continue
            slowest = max(selects, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            path = PLANS / f"{page.key}.txt"
            path.write_text(
                f"-- {page.label}: slowest of {len(captured)} queries ({slowest['time']} s)\n"
                f"{slowest['sql']}\n\n{plan}\n"
            )
            written[page.key] = str(path.relative_to(ROOT))
        transaction.set_rollback(True)
    return written


def count(mark: str) -> dict:
    from petitions.models import Petition

    return {"count": Petition.objects.filter(title__startswith=mark).count()}


def forget(mark: str) -> dict:
    """Delete what earlier runs registered (titles starting with ``mark``): each run's intake adds
    ~1,200 open cases to the busiest village, whose list the next run would measure too. Plain
    SQL in one transaction (a model delete would write an audit row per petition); a table left
    pointing at one of them fails the run instead of being skipped."""
    from petitions.models import Petition, PetitionPetitioner, TimelineEntry

    table = Petition._meta.db_table
    doomed = f"SELECT id FROM {table} WHERE title LIKE %s"  # noqa: S608 - our own table names
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (TimelineEntry, PetitionPetitioner):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE petition_id IN ({doomed})", [mark + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {table} WHERE title LIKE %s", [mark + "%"])  # noqa: S608
        deleted = cursor.rowcount
    return {"deleted": deleted}


def main(argv: list[str]) -> None:
    what = argv[1]
    if what == "sample":
        result = sample()
    elif what == "count":
        result = count(argv[2])
    elif what == "forget":
        result = forget(argv[2])
    elif what == "task":
        result = task(argv[2])
    else:
        s = Sample(**json.loads(Path(argv[2]).read_text()))
        result = queries(s) if what == "queries" else explain(s)
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv)
