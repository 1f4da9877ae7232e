"""Working days (工作日) for the legal time limits.

A working day is Monday to Friday, minus the public holidays, plus the make-up working days
(调休上班) the State Council announces each year; both kinds of exception are
``core.CalendarDay`` rows. A year with no rows at all counts weekends only, and
``years_without_calendar`` lets a page warn that its arrangement has not been entered yet.

The functions take ``datetime.date``; pass ``timezone.localdate(moment)`` for a moment in time
(a ``datetime`` is refused: it never equals a ``date`` and would miss every holiday).

No query per day: each year's exceptions are loaded once (one query for all the years a call
needs) and kept in a per-process cache. Saving or deleting a ``CalendarDay`` clears the
cache of the process that did it (signals connected in ``core.apps``); other processes, such as
the other web workers and the job runner, pick the change up within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction

from core.models import CalendarDay

CACHE_SECONDS = 300

ONE_DAY = timedelta(days=1)

# year -> (monotonic time it was loaded, {date: CalendarDay.Kind value})
_cache: dict[int, tuple[float, dict[date, str]]] = {}
# Bumped on every clear, so a load that raced with a change is not put back into the cache.
_generation = 0


def clear_cache() -> None:
    global _generation
    _generation += 1
    _cache.clear()


def calendar_changed(**_signal_kwargs: object) -> None:
    """post_save/post_delete receiver for CalendarDay. Clears at once (for the rest of this
    transaction) and again after commit (a reader in another thread of this process may have
    cached the old rows in between, as it could not see the new ones yet)."""
    clear_cache()
    transaction.on_commit(clear_cache)


def _special_days(first_year: int, last_year: int) -> dict[int, dict[date, str]]:
    """The exceptions of every year from first_year to last_year, with at most one query."""
    now = time.monotonic()
    years: dict[int, dict[date, str]] = {}
    missing: list[int] = []
    for year in range(first_year, last_year + 1):
        entry = _cache.get(year)
        if entry is None or now - entry[0] > CACHE_SECONDS:
            missing.append(year)
        else:
            years[year] = entry[1]
    if missing:
        generation = _generation
        loaded: dict[int, dict[date, str]] = {year: {} for year in range(missing[0], missing[-1] + 1)}
        rows = CalendarDay.objects.filter(date__range=(date(missing[0], 1, 1), date(missing[-1], 12, 31)))
        for day, kind in rows.values_list("date", "kind"):
            loaded[day.year][day] = kind
        if generation == _generation:
            _cache.update((year, (now, days)) for year, days in loaded.items())
        years.update(loaded)
    return years


def _check_date(day: object) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}; use timezone.localdate() for a moment")


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"a time limit counts forward: n must be 0 or more, got {n}")


def _working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    _check_date(day)
    return _working(day, _special_days(day.year, day.year)[day.year])


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after start (start itself not counted); start itself when n is 0."""
    _check_date(start)
    _check_count(n)
    if n == 0:
        return start
    # Load, in one query, every year the answer will very likely lie in: n working days take
    # about n * 7 / 5 calendar days, plus the longest holiday run. Any further year is loaded
    # when the walk reaches it.
    horizon = start + timedelta(days=n * 7 // 5 + 30)
    special = _special_days(start.year, horizon.year)
    day = start
    while n:
        day += ONE_DAY
        if day.year not in special:
            special.update(_special_days(day.year, day.year))
        if _working(day, special[day.year]):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days d there are with start < d <= end (0 when end is not after start)."""
    _check_date(start)
    _check_date(end)
    if end <= start:
        return 0
    special = _special_days(start.year, end.year)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if _working(day, special[day.year]):
            count += 1
    return count


def add_days(start: date, n: int, *, working: bool) -> date:
    """The end of a time limit of n days from start: working days or calendar days."""
    if working:
        return add_working_days(start, n)
    _check_date(start)
    _check_count(n)
    return start + timedelta(days=n)


def years_without_calendar(years: Iterable[int]) -> list[int]:
    """Those of the given years (sorted, once each) that have no CalendarDay row at all."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    special = _special_days(wanted[0], wanted[-1])
    return [year for year in wanted if not special[year]]
