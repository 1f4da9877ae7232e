"""The pages the benchmark measures, shared by the HTTP run (bench/run.py), the in-process
query count (bench/probe.py) and the load run (bench/load.py).

Each page is a function of a ``Sample`` (ids and numbers picked from the database once) and
the request number ``i``, returning the method, the path, the persona and the form data; the
targets are issue 10's table."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

PASSWORD = "Dhk-demo-2026"  # noqa: S105 - the demo accounts' published password


@dataclass
class Sample:
    """Things to ask for, drawn from the database by ``probe.py sample``."""

    village: int  # a village's id (the busiest one: its open cases fill many pages)
    numbers: list[str]  # tracking numbers of petitions the clerk may see
    codes: list[list[str]]  # [tracking number, query code] pairs
    phones: list[str]  # phone numbers of petitioners (plain, as the clerk types them)
    category: int  # a leaf category's id for the intake form
    words: list[str] = field(default_factory=lambda: ["拖欠工资", "安置房", "邻居建房", "路灯损坏", "养殖场异味"])


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    persona: str  # username; "" for a resident without an account
    median_ms: float | None  # the target on PostgreSQL with a million petitions
    throughput: float | None = None  # page views/s with 8 clients, when the issue sets one


PAGES = [
    # A clerk comes back to the same list after each case: from the second view on, the body is
    # the cached one (petitions/listcache.py) until a petition of the town changes. The first
    # view of a list (and every search below) is drawn from the database: ``_=i`` makes each
    # request a list nobody has seen (the filter ignores the parameter).
    Page("list", "filtered case list (open cases of one village, page 1), repeated view", "clerk", 30, 150),
    Page("list_first", "filtered case list, first view (drawn, not from the cache)", "clerk", 30),
    Page("case", "case page", "clerk", 25),
    Page("intake", "intake: form + submit", "clerk", 40),
    Page("status", "status page by query code", "", 20),
    Page("phone", "search by phone", "clerk", 30),
    Page("keyword", "keyword search (Chinese text)", "clerk", 150),
    Page("dashboard", "leaders' dashboard", "leader", 150),
    Page("api", "API list /api/v1/petitions/", "clerk", None),
]
BY_KEY = {page.key: page for page in PAGES}


def request_for(key: str, sample: Sample, i: int) -> tuple[str, str, dict | None]:
    """(method, path, form data) of the i-th request of a page. The intake is two requests
    (GET the form, POST it) and is driven by the caller with ``intake_data``."""
    rng = random.Random(i)  # noqa: S311 - reproducible choice of rows
    if key == "list":
        return "GET", f"/petitions/?village={sample.village}&open=true", None
    if key == "list_first":
        return "GET", f"/petitions/?village={sample.village}&open=true&_={i}", None
    if key == "case":
        return "GET", f"/petitions/{rng.choice(sample.numbers)}/", None
    if key == "status":
        number, code = rng.choice(sample.codes)
        return "POST", "/status/", {"number": number, "code": code}
    if key == "phone":
        return "GET", f"/petitions/?q={rng.choice(sample.phones)}&_={i}", None
    if key == "keyword":
        return "GET", f"/petitions/?q={rng.choice(sample.words)}&_={i}", None
    if key == "dashboard":
        return "GET", "/dashboard/", None
    if key == "api":
        return "GET", "/api/v1/petitions/", None
    if key == "intake":
        return "GET", "/petitions/new/", None
    raise KeyError(key)


MARK = "【压测】"  # every petition the benchmark registers starts with it, to count them after


def intake_data(sample: Sample, i: int) -> dict:
    """The intake form as a clerk fills it: one petitioner, a leaf category, a village."""
    rng = random.Random(10_000 + i)  # noqa: S311
    return {
        "client_token": str(uuid.uuid4()),
        "channel": "window",
        "origin": "direct",
        "kind": "grievance",
        "category": str(sample.category),
        "village": str(sample.village),
        "title": f"{MARK}路灯损坏 {i}",
        "content": "村口路灯损坏多日，夜间出行不便，希望尽快修复。",
        "request": "请尽快修复路灯。",
        "headcount": "1",
        "p-TOTAL_FORMS": "5",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "5",
        "p-0-name": "张三",
        "p-0-phone": f"139{rng.randint(0, 99_999_999):08d}",
        "p-0-address": "东河口村3组",
    }
