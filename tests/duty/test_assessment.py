"""The assessment over the known dataset of conftest.py: every indicator, every part of the
score, the ranking, the red and black lists and the "no skip-level petition" title."""

from datetime import date
from decimal import Decimal

import pytest

from duty import assessment as scoring
from duty import services
from duty.assessment import assess, parse_period
from petitions.services import Flags
from tests.duty.conftest import TODAY

D = Decimal


def _q1(town, today=TODAY):
    return assess(town=town, period=parse_period("2026-Q1", today=today), today=today)


def _row(result, village):
    return next(r for r in result.rows if r.village.pk == village.pk)


def test_every_indicator_of_village_a(dataset, town):
    a = _row(_q1(town), dataset.village_a)
    assert (a.replied, a.on_time, a.rated, a.satisfied) == (2, 1, 2, 1)
    assert (a.repeat, a.skip_level, a.skip_level_in_title_year) == (1, 1, 1)
    assert (a.concluded, a.agreed) == (4, 3)
    assert (a.risks_found, a.risks_defused) == (4, 2)
    assert (a.on_time_rate, a.satisfaction_rate, a.mediation_rate, a.defusal_rate) == (
        D("0.5"),
        D("0.5"),
        D("0.75"),
        D("0.5"),
    )


def test_every_part_of_village_a_score(dataset, town):
    a = _row(_q1(town), dataset.village_a)
    points = {c.key: c.points for c in a.components}
    # 100 × (30×0.5 + 30×0.5 + 20×0.75 + 20×0.5) ÷ 100 = 55; − 2×1 − 10×1 + min(0.5×4, 5)
    assert points == {
        "on_time": D("15.00"),
        "satisfaction": D("15.00"),
        "mediation": D("15.00"),
        "defusal": D("10.00"),
        "repeat": D("-2.00"),
        "skip_level": D("-10.00"),
        "risks_found": D("2.00"),
    }
    assert a.score == D("45.00")


def test_village_b_has_full_marks_where_there_is_nothing_to_measure(dataset, town):
    b = _row(_q1(town), dataset.village_b)
    assert (b.replied, b.on_time, b.rated, b.satisfied, b.repeat, b.skip_level) == (1, 1, 1, 1, 0, 0)
    assert b.mediation_rate is None and b.defusal_rate is None
    assert b.score == D("100.00")
    c = _row(_q1(town), dataset.village_c)
    assert c.score == D("100.00")


def test_a_month_counts_only_its_own_days(dataset, town):
    march = assess(town=town, period=parse_period("2026-03", today=TODAY), today=TODAY)
    a = _row(march, dataset.village_a)
    assert (a.replied, a.on_time, a.repeat, a.skip_level) == (2, 1, 1, 0)
    assert (a.concluded, a.agreed, a.risks_found, a.risks_defused) == (2, 1, 2, 0)
    # the title looks at the whole year so far, whatever the period
    assert a.skip_level_in_title_year == 1 and not a.holds_title


def test_ranking_shares_places_on_a_tie(dataset, town):
    result = _q1(town)
    assert [(r.village.pk, r.rank) for r in result.rows] == [
        (dataset.village_b.pk, 1),
        (dataset.village_c.pk, 1),
        (dataset.village_a.pk, 3),
    ]


def test_red_and_black_lists_by_the_default_rules(dataset, town):
    result = _q1(town)
    assert [r.village.pk for r in result.red] == [dataset.village_b.pk, dataset.village_c.pk]
    assert [r.village.pk for r in result.black] == [dataset.village_a.pk]
    assert result.black[0].black_reasons == ["score below 80", "skip-level petition in the period"]


def test_changing_the_weights_changes_the_score(dataset, town, administrator):
    services.scheme_update(
        town=town, actor=administrator, values={"weight_mediation": D("0"), "weight_defusal": D("0")}
    )
    a = _row(_q1(town), dataset.village_a)
    # 100 × (30×0.5 + 30×0.5) ÷ 60 = 50; − 2 − 10 + 2
    assert a.score == D("40.00")
    assert {c.key: c.points for c in a.components}["mediation"] == D("0.00")


def test_changing_penalties_and_bonus_changes_the_score(dataset, town, administrator):
    services.scheme_update(
        town=town,
        actor=administrator,
        values={
            "repeat_penalty": D("5"),
            "skip_level_penalty": D("20"),
            "risk_bonus": D("1"),
            "risk_bonus_cap": D("3"),
        },
    )
    assert _row(_q1(town), dataset.village_a).score == D("33.00")  # 55 − 5 − 20 + 3


def test_a_score_is_never_below_zero(dataset, town, administrator):
    services.scheme_update(town=town, actor=administrator, values={"skip_level_penalty": D("100")})
    assert _row(_q1(town), dataset.village_a).score == D("0.00")


def test_red_list_places_and_score_rules(dataset, town, administrator):
    services.scheme_update(town=town, actor=administrator, values={"red_places": 1})
    assert len(_q1(town).red) == 2  # tied for first place: both are in
    services.scheme_update(
        town=town, actor=administrator, values={"red_min_score": D("40"), "black_below_score": D("30"), "red_places": 5}
    )
    result = _q1(town)
    # village A scores 45 ≥ 40 but had a skip-level petition: never on the red list
    assert dataset.village_a.pk not in [r.village.pk for r in result.red]
    assert [r.black_reasons for r in result.black] == [["skip-level petition in the period"]]
    services.scheme_update(town=town, actor=administrator, values={"black_on_skip_level": False})
    assert _q1(town).black == []


def test_no_skip_level_title_is_kept_then_lost_within_the_year(dataset, town, clock, register):
    result = _q1(town)
    assert [r.village.pk for r in result.title_holders] == [dataset.village_b.pk, dataset.village_c.pk]
    # village B's skip-level petition of 2025 did not cost it 2026; in 2025 it had lost it
    last_year = assess(town=town, period=parse_period("2025", today=TODAY), today=TODAY)
    assert not _row(last_year, dataset.village_b).holds_title
    assert _row(last_year, dataset.village_c).holds_title
    assert list(scoring.no_skip_level_villages(town=town, today=TODAY)) == [dataset.village_b, dataset.village_c]
    # June: a resident of village B goes above the town's head — the title is gone for 2026
    clock.set(date(2026, 6, 1))
    register(title="越级", village=dataset.village_b, flags=Flags(skip_level=True))
    june = date(2026, 6, 2)
    q1_seen_in_june = assess(town=town, period=parse_period("2026-Q1", today=june), today=june)
    b = _row(q1_seen_in_june, dataset.village_b)
    assert b.skip_level == 0 and not b.holds_title
    assert list(scoring.no_skip_level_villages(town=town, today=june)) == [dataset.village_c]
    # …and back in the running on 1 January
    assert dataset.village_b in scoring.no_skip_level_villages(town=town, today=date(2027, 1, 1))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("", ("2026", date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-Q1", ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-02", ("2026-02", date(2026, 2, 1), date(2026, 2, 28))),
        ("2025-Q4", ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))),
        ("2026-Q2", None),  # not begun yet
        ("2026-13", None),
        ("1999", None),
        ("abc", None),
    ],
)
def test_periods(key, expected):
    period = parse_period(key, today=TODAY)
    assert (period and (period.key, period.start, period.end)) == expected


def test_assessment_takes_four_queries_whatever_the_number_of_villages(dataset, town, django_assert_num_queries):
    period = parse_period("2026-Q1", today=TODAY)
    with django_assert_num_queries(4):
        assess(town=town, period=period, today=TODAY)
    from tests.factories import VillageFactory

    for n in range(5):
        VillageFactory(town=town, code=f"34150210540{n}")
    with django_assert_num_queries(4):
        assert len(assess(town=town, period=period, today=TODAY).rows) == 8
