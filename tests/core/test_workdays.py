"""The working-day calendar the legal time limits count with.

The 2026 rows come from the data migration ``core.0004_calendar_2026``, so they are in the test
database already. 2027 has no rows (yet): it counts weekends only.
"""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import calendar_data, workdays
from core.models import CalendarDay
from core.workdays import add_days, add_working_days, is_working_day, working_days_between, years_without_calendar

HOLIDAYS_2026 = [day for day, kind, _name in calendar_data.CALENDAR_2026 if kind == calendar_data.HOLIDAY]
MAKE_UP_WORKDAYS_2026 = [day for day, kind, _name in calendar_data.CALENDAR_2026 if kind == calendar_data.WORKDAY]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts and ends with an empty cache: the rollback at the end of a test sends
    no signal, so a row a test saved could otherwise stay cached for the next test."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


# --- The 2026 arrangement as seeded -------------------------------------------------------


def test_the_data_migration_seeded_exactly_the_2026_constant(db):
    # 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 = 33 holidays;
    # 1月4日, 2月14日, 2月28日, 5月9日, 9月20日, 10月10日 = 6 make-up working days.
    assert len(HOLIDAYS_2026) == 33
    assert len(MAKE_UP_WORKDAYS_2026) == 6
    assert len(calendar_data.CALENDAR_2026) == 39
    assert len({day for day, _kind, _name in calendar_data.CALENDAR_2026}) == 39, "a date appears twice"
    rows = set(CalendarDay.objects.values_list("date", "kind", "name"))
    assert rows == set(calendar_data.CALENDAR_2026)


def test_the_constant_uses_the_model_kinds():
    assert calendar_data.HOLIDAY == CalendarDay.Kind.HOLIDAY
    assert calendar_data.WORKDAY == CalendarDay.Kind.WORKDAY


def test_every_make_up_workday_of_2026_falls_on_a_weekend():
    assert all(day.weekday() >= 5 for day in MAKE_UP_WORKDAYS_2026)


@pytest.mark.parametrize("day", MAKE_UP_WORKDAYS_2026, ids=str)
def test_every_make_up_workday_of_2026_is_a_working_day(db, day):
    assert is_working_day(day)


@pytest.mark.parametrize("day", HOLIDAYS_2026, ids=str)
def test_every_holiday_of_2026_is_not_a_working_day(db, day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 10, 8), True),  # Thursday right after 国庆
        (date(2026, 10, 11), False),  # Sunday between the make-up Saturday and Monday
        (date(2027, 1, 1), True),  # Friday of a year with no rows: weekends only
        (date(2027, 1, 2), False),  # Saturday of a year with no rows
    ],
    ids=str,
)
def test_ordinary_weekdays_work_and_weekends_rest(db, day, working):
    assert is_working_day(day) is working


def test_2026_has_248_working_days(db):
    # 2026 starts on a Thursday: 52 weeks + 1 Thursday = 261 weekdays. 19 holidays fall on a
    # weekday (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5) and 6 make-up days are
    # added: 261 - 19 + 6 = 248.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


# --- add_working_days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 国庆: 9月30日 is a Wednesday. 10月1日 (Thu) to 7日 (Wed) are holidays, weekend
        # included; 10月8日 (Thu) is the first working day, 9日 (Fri) the second, 10日 (Sat,
        # make-up) the third; 11日 is an ordinary Sunday, so 12日 (Mon) is the fourth.
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 2, date(2026, 10, 9)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        # 中秋 then 国庆: from Thu 9月24日, 25日–27日 are holidays; 28日 (Mon), 29日, 30日 are the
        # first three working days and 10月8日 is the fourth.
        (date(2026, 9, 24), 4, date(2026, 10, 8)),
        # From Friday 9月18日: Saturday 19日 rests, Sunday 20日 is a make-up working day.
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 18), 2, date(2026, 9, 21)),
        # 春节: from Friday 2月13日, Saturday 14日 is a make-up day (1); 15日–23日 are
        # holidays, so Tuesday 24日 is the second and Friday 27日 the fifth; Saturday 28日 is
        # a make-up day (6); Sunday 3月1日 rests, Monday 3月2日 is the seventh.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        (date(2026, 2, 13), 6, date(2026, 2, 28)),
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        # 元旦 2026 from a year with no rows: 1月1日–3日 are holidays, Sunday 4日 is a make-up day.
        (date(2025, 12, 31), 1, date(2026, 1, 4)),
        # Into 2027, which has no rows: weekends only. Thursday 12月31日 is the first day;
        # Friday 2027-01-01 counts as the second (元旦 2027 has not been entered); the
        # weekend rests, so Monday 1月4日 is the third. When the 2027 arrangement is seeded,
        # move this case to a year that still has no rows.
        (date(2026, 12, 30), 1, date(2026, 12, 31)),
        (date(2026, 12, 30), 2, date(2027, 1, 1)),
        (date(2026, 12, 30), 3, date(2027, 1, 4)),
    ],
    ids=str,
)
def test_add_working_days(db, start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize("start", [date(2026, 10, 1), date(2026, 3, 7), date(2026, 3, 2)], ids=str)
def test_add_zero_working_days_is_the_start_itself_even_on_a_holiday(db, start):
    assert add_working_days(start, 0) == start


def test_a_negative_count_is_refused(db):
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="0 or more"):
        add_days(date(2026, 3, 2), -1, working=False)


def test_a_datetime_is_refused_because_it_would_miss_every_holiday(db):
    with pytest.raises(TypeError, match="localdate"):
        is_working_day(datetime(2026, 10, 1, 9, 0))
    with pytest.raises(TypeError):
        add_working_days(datetime(2026, 9, 30, 9, 0), 1)


def test_add_days_dispatches_to_calendar_or_working_days(db):
    assert add_days(date(2026, 9, 30), 1, working=True) == date(2026, 10, 8)
    assert add_days(date(2026, 9, 30), 1, working=False) == date(2026, 10, 1)
    assert add_days(date(2026, 9, 30), 60, working=False) == date(2026, 11, 29)


# --- working_days_between -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 9, 30), date(2026, 10, 8), 1),  # the whole 国庆 week counts nothing
        (date(2026, 9, 30), date(2026, 10, 12), 4),  # 8日, 9日, 10日 (make-up Saturday), 12日
        (date(2026, 10, 1), date(2026, 10, 7), 0),
        (date(2026, 9, 18), date(2026, 9, 20), 1),  # the make-up Sunday
        (date(2026, 2, 13), date(2026, 3, 2), 7),
        (date(2026, 12, 25), date(2027, 1, 8), 10),  # 12月28日–31日, then 2027 weekdays 1日, 4日–8日
        (date(2026, 3, 2), date(2026, 3, 2), 0),  # end == start
        (date(2026, 3, 9), date(2026, 3, 2), 0),  # end before start
    ],
    ids=str,
)
def test_working_days_between(db, start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_undoes_add_working_days(db):
    starts = [date(2026, 1, 1) + timedelta(days=offset) for offset in range(0, 380, 5)]
    for start in starts:
        for n in range(0, 25):
            end = add_working_days(start, n)
            assert working_days_between(start, end) == n, (start, n)
            assert n == 0 or is_working_day(end), (start, n)


# --- No query per day, and the cache --------------------------------------------------------


def test_sixty_days_of_working_days_take_one_query_then_none(
    db, django_assert_max_num_queries, django_assert_num_queries
):
    start = date(2026, 9, 1)
    with django_assert_max_num_queries(1):
        end = add_working_days(start, 40)
    assert (end - start).days >= 60
    with django_assert_num_queries(0):
        assert add_working_days(start, 40) == end
        assert working_days_between(start, end) == 40
        assert is_working_day(date(2026, 10, 8))


def test_a_span_across_two_years_takes_one_query(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert working_days_between(date(2026, 12, 1), date(2027, 2, 1)) > 0
        assert add_working_days(date(2026, 12, 20), 20) > date(2027, 1, 1)
        assert years_without_calendar([2026, 2027]) == [2027]


def test_an_expired_cache_is_read_again(db, monkeypatch, django_assert_num_queries):
    """Another process (a web worker, the job runner) sees an edit once its cache expires."""
    is_working_day(date(2026, 3, 2))
    monkeypatch.setattr(workdays, "CACHE_SECONDS", -1)
    with django_assert_num_queries(1):
        is_working_day(date(2026, 3, 2))


def test_adding_a_day_in_the_admin_changes_the_result_at_once(login, administrator):
    monday = date(2026, 3, 2)
    assert is_working_day(monday)
    assert add_working_days(date(2026, 2, 28), 1) == monday  # now cached

    client = login(administrator)
    response = client.post(
        reverse("admin:core_calendarday_add"), {"date": "2026-03-02", "kind": "holiday", "name": "测试"}
    )
    assert response.status_code == 302
    assert not is_working_day(monday)
    assert add_working_days(date(2026, 2, 28), 1) == date(2026, 3, 3)

    row = CalendarDay.objects.get(date=monday)
    response = client.post(reverse("admin:core_calendarday_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert is_working_day(monday)


def test_saving_and_deleting_a_row_clears_the_cache(db):
    assert years_without_calendar([2027]) == [2027]
    row = CalendarDay.objects.create(date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert years_without_calendar([2027]) == []
    assert not is_working_day(date(2027, 1, 1))
    row.delete()
    assert years_without_calendar([2027]) == [2027]
    assert is_working_day(date(2027, 1, 1))


# --- years_without_calendar ----------------------------------------------------------------


def test_years_without_calendar(db):
    assert years_without_calendar([2026, 2027]) == [2027]
    assert years_without_calendar([2027, 2026, 2027, 2025]) == [2025, 2027]
    assert years_without_calendar([]) == []


# --- The model and its admin ----------------------------------------------------------------


def test_a_make_up_workday_on_a_weekday_is_refused(db):
    with pytest.raises(ValidationError) as error:
        CalendarDay(date=date(2026, 3, 3), kind=CalendarDay.Kind.WORKDAY, name="调休").full_clean()
    assert "date" in error.value.message_dict


def test_a_make_up_workday_on_a_weekend_and_a_holiday_on_any_day_are_accepted(db):
    CalendarDay(date=date(2026, 3, 7), kind=CalendarDay.Kind.WORKDAY).full_clean()  # Saturday
    CalendarDay(date=date(2026, 3, 8), kind=CalendarDay.Kind.HOLIDAY).full_clean()  # Sunday
    CalendarDay(date=date(2026, 3, 9), kind=CalendarDay.Kind.HOLIDAY).full_clean()  # Monday


def test_the_admin_refuses_a_make_up_workday_on_a_weekday(login, administrator):
    response = login(administrator).post(
        reverse("admin:core_calendarday_add"), {"date": "2026-03-03", "kind": "workday", "name": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"]
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()


def test_the_admin_lists_searches_and_drills_down_by_year(login, administrator):
    client = login(administrator)
    url = reverse("admin:core_calendarday_changelist")
    response = client.get(url, {"date__year": "2026", "kind": "workday"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 6
    response = client.get(url, {"q": "春节"})
    assert response.context["cl"].result_count == 11
    assert "星期六" in response.content.decode()  # the weekday column, in Chinese


def test_str_names_the_day(db):
    assert str(CalendarDay.objects.get(date=date(2026, 10, 1))).startswith("2026-10-01 ")
