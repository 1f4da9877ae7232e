"""Every figure of one weekly circular and one monthly analysis over a known dataset."""

from datetime import date

from accountability.states import AccountabilityForm
from petitions.models import Category
from reports import selectors


def _change(count, previous):
    rate = None if previous == 0 else round((count - previous) / previous, 4)
    return {"count": count, "previous": previous, "change": count - previous, "change_rate": rate}


def test_weekly_circular_figures(dataset, town, village_a, village_b):
    f = selectors.weekly_circular(town=town, week_start=date(2026, 3, 11))
    assert f["period"] == {"start": "2026-03-09", "end": "2026-03-15"}
    assert f["new"] == _change(3, 1)
    assert f["by_origin"] == {"assigned": _change(1, 0), "direct": _change(2, 1), "escalated": _change(0, 0)}
    assert f["by_village"] == [
        {"rank": 1, "code": village_b.code, "name": village_b.name, **_change(2, 0)},
        {"rank": 2, "code": village_a.code, "name": village_a.name, **_change(1, 1)},
    ]
    assert f["without_village"] == _change(0, 0)
    assert f["by_kind"] == {"suggestion": 1, "accusation": 0, "grievance": 1, "enquiry": 1}
    assert sorted((c["code"], c["count"], c["share"]) for c in f["top_categories"]) == [
        ("land", 1, 0.3333),
        ("neighbours", 1, 0.3333),
        ("social-security", 1, 0.3333),
    ]
    assert f["closed"] == 2
    assert f["ended_unhandled"] == 0
    assert [(o["tracking_number"], o["days_overdue"], o["unit"], o["responsible_leader"]) for o in f["overdue"]] == [
        (dataset[4], 55, "综治中心", "陈书记")
    ]
    assert f["overdue"][0]["next_due"] == "2026-01-20"
    assert f["skip_level"] == [dataset[2]]
    assert f["repeat"] == [dataset[3]]
    assert f["dissatisfied_follow_ups"] == [{"tracking_number": dataset[3], "unit": "综治中心", "redo": True}]
    units = {u["name"]: u for u in f["units"]}
    assert set(units) == {"综治中心", "信访接待中心"}
    assert units["综治中心"] == {
        "name": "综治中心",
        "replied": 1,  # P1 (P3's reply was cleared by the redo)
        "on_time": 1,
        "unanswered": 1,  # P4, past its handle-by date
        "rated": 2,
        "satisfied": 1,
        "on_time_rate": 1.0,
        "reply_rate": 0.5,
        "satisfaction_rate": 0.5,
    }
    assert units["信访接待中心"] == {
        "name": "信访接待中心",
        "replied": 1,
        "on_time": 1,
        "unanswered": 0,
        "rated": 1,
        "satisfied": 1,
        "on_time_rate": 1.0,
        "reply_rate": 1.0,
        "satisfaction_rate": 1.0,
    }
    assert f["units_full_marks"] == ["信访接待中心"]
    assert f["satisfaction_floor"] == 0.85
    assert f["units_under_floor"] == [{"name": "综治中心", "satisfaction_rate": 0.5}]
    assert f["village_ranking"] == [
        {"rank": 1, "name": village_b.name, "count": 2},
        {"rank": 2, "name": village_a.name, "count": 1},
    ]


def test_monthly_analysis_figures(dataset, town, village_a, village_b):
    f = selectors.monthly_analysis(town=town, month_start=date(2026, 3, 1))
    assert f["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert f["registered"] == 4
    assert f["by_origin"] == {"assigned": 1, "direct": 3, "escalated": 0}
    assert {k: v for k, v in f["by_channel"].items() if v} == {"window": 3, "hotline": 1}
    assert sum(f["by_channel"].values()) == 4
    assert f["by_kind"] == {"suggestion": 1, "accusation": 0, "grievance": 2, "enquiry": 1}
    first = f["by_category"][0]
    assert (first["code"], first["count"], first["share"]) == ("neighbours", 2, 0.5)
    assert sorted((c["code"], c["count"]) for c in f["by_category"][1:]) == [("land", 1), ("social-security", 1)]
    assert f["by_village"] == [
        {"code": village_b.code, "name": village_b.name, "count": 2},
        {"code": village_a.code, "name": village_a.name, "count": 2},
    ]
    assert f["without_village"] == 0
    top = f["top_problems"]
    assert top[0] == {
        "code": "neighbours-boundary",
        "name": str(Category.objects.get(code="neighbours-boundary")),
        "count": 2,
        "share": 0.5,
        "previous_month": 1,  # P6 in February
        "same_month_last_year": 0,
        "change_vs_previous_month": 1,
        "change_vs_last_year": 2,
    }
    assert sorted(
        (t["code"], t["count"], t["share"], t["previous_month"], t["same_month_last_year"]) for t in top[1:]
    ) == [
        ("land-contract", 1, 0.25, 0, 0),
        ("social-assistance", 1, 0.25, 0, 0),
    ]
    assert f["rates"] == {
        "response": 0.75,  # P1, P3, P5 routed in time; P2 not routed
        "resolution": 0.5,  # P1 not supported, P5 explained
        "satisfaction": 0.6667,  # P1 satisfied, P5 basically, P3 dissatisfied
        "on_time": 1.0,
        "redo": 0.3333,  # P3 of three follow-ups
        "return": 0.0,
    }
    assert f["rate_bases"] == {
        "registered": 4,
        "responded": 3,
        "replied": 2,
        "resolved": 1,
        "on_time": 2,
        "rated": 3,
        "satisfied": 2,
        "follow_ups": 3,
        "redos": 1,
        "assignments": 2,
        "returns": 0,
    }
    assert f["closed"] == 2
    assert f["average_days_to_close"] == 6.0  # P1 8 days, P5 4 days
    assert f["open_at_generation"] == 3  # P2, P3, P4
    assert f["units"] == [
        {
            "name": "综治中心",
            "dispatched": 2,
            "closed_on_time": 1,
            "closed_late": 0,
            "open": 1,
            "dissatisfied": 1,
            "closure_rate": 0.5,
            "on_time_rate": 1.0,
            "dissatisfied_rate": 0.5,
        },
        {
            "name": "信访接待中心",
            "dispatched": 1,
            "closed_on_time": 1,
            "closed_late": 0,
            "open": 0,
            "dissatisfied": 0,
            "closure_rate": 1.0,
            "on_time_rate": 1.0,
            "dissatisfied_rate": 0.0,
        },
    ]
    assert f["top_units"] == [{"name": "综治中心", "count": 2}, {"name": "信访接待中心", "count": 1}]
    assert f["top_villages"] == [{"name": village_b.name, "count": 2}, {"name": village_a.name, "count": 2}]
    assert f["escalated"] == 0
    assert f["skip_level"] == 1
    assert f["repeat"] == 1
    assert f["mediation"]["registered"] == 0
    assert f[
        "accountability"
    ] == {  # no meetings, supervisions or records: all zero (tests/reports/test_accountability_figures.py)
        "meetings": {"town": 0, "district": 0},
        "agenda_items": 0,
        "decisions": {"made": 0, "sent_to_district": 0, "carried_out": 0, "overdue": 0},
        "supervisions": {"opened": 0, "listed": 0, "closed": 0, "open_at_month_end": 0},
        "records": 0,
        "records_by_form": dict.fromkeys(AccountabilityForm.values, 0),
    }
    assert f["early_warning"]["categories"] == []
    assert f["early_warning"]["villages"] == []
    assert f["early_warning"]["repeat_petitioners"] == [{"petitioner": "刘*", "count": 6}]  # all six, since 1 January
