"""The assessment pages, the Excel download and the scheme page: who sees them, what they
show, and how many queries they take."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duty.models import AssessmentScheme, DutyLog
from tests.duty.conftest import Q1
from tests.formulas import HYPERLINK, assert_written_as_text

READERS = {"leader", "inspector", "desk_clerk", "administrator"}
PERSONAS = [
    "desk_clerk",
    "grid_worker_a",
    "village_agent_a",
    "mediator_a",
    "handler",
    "leader",
    "inspector",
    "administrator",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_assessment(persona, request, login, town, village_a):
    client = login(request.getfixturevalue(persona))
    expected = 200 if persona in READERS else 403
    assert client.get(reverse("duty:assessment")).status_code == expected
    assert client.get(reverse("duty:assessment_village", args=[village_a.code])).status_code == expected
    assert client.get(reverse("duty:assessment_export") + "?period=2026").status_code in (expected, 404)
    assert client.get(reverse("duty:scheme")).status_code == (200 if persona == "administrator" else 403)


def test_a_resident_is_sent_to_the_login(resident, town):
    response = resident.get(reverse("duty:assessment"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_scores_lists_formula_and_titles(dataset, login, leader):
    html = login(leader).get(reverse("duty:assessment") + f"?period={Q1}").content.decode()
    assert "45.00" in html and "100.00" in html
    assert "100 × (30 × on-time rate + 30 × satisfaction rate + 20 × mediation success rate" in html
    assert "− 2 × repeat petitions − 10 × skip-level petitions + 0.5 × risks found (at most 5)" in html
    red = html.split("data-red-list")[1].split("</section>")[0]
    black = html.split("data-black-list")[1].split("</section>")[0]
    titles = html.split("data-title-villages")[1].split("</section>")[0]
    assert "长岭村" in red and "东河口村" not in red
    assert "东河口村" in black and "skip-level petition in the period" in black
    assert "长岭村" in titles and "东河口村" not in titles
    assert 'href="/assessment/scheme/"' not in html  # a leader does not change the scheme


def test_a_bad_period_falls_back_to_this_year_with_a_message(dataset, login, leader):
    response = login(leader).get(reverse("duty:assessment") + "?period=2099")
    assert response.status_code == 200
    assert "That period cannot be assessed" in response.content.decode()
    assert response.context["period"].key == "2026"


def test_the_village_breakdown_explains_each_part(dataset, login, desk_clerk):
    url = reverse("duty:assessment_village", args=[dataset.village_a.code]) + f"?period={Q1}"
    response = login(desk_clerk).get(url)
    html = response.content.decode()
    row = response.context["row"]
    assert row.score == Decimal("45.00") and row.rank == 3
    for key, points in [("on_time", "15.00"), ("defusal", "10.00"), ("skip_level", "-10.00"), ("risks_found", "2.00")]:
        assert points in html.split(f'data-component="{key}"')[1].split("</tr>")[0]
    assert "1 / 2" in html and "3 / 4" in html and "2 / 4" in html
    assert "Title lost" in html
    flagged = html.split("data-flagged")[1]
    assert dataset.numbers["p4"] in flagged and dataset.numbers["p3"] in flagged


def test_a_village_of_another_town_is_404(dataset, login, leader):
    assert login(leader).get(reverse("duty:assessment_village", args=["999999999999"])).status_code == 404


def test_the_excel_has_the_ranking_and_the_formula(dataset, login, inspector):
    response = login(inspector).get(reverse("duty:assessment_export") + f"?period={Q1}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "assessment-2026-Q1.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ranking, formula = wb.worksheets
    rows = list(ranking.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "长岭村委会", 100.0),
        (1, "测试村委会", 100.0),
        (3, "东河口村委会", 45.0),
    ]
    a = rows[2]
    assert a[3:13] == (0.5, 2, 0.5, 2, 1, 1, 0.75, 4, 4, 2)
    assert a[14] == "score below 80; skip-level petition in the period"
    assert "30 × on-time rate" in formula["A2"].value


def test_a_name_that_looks_like_a_formula_is_written_as_text(dataset, login, inspector, town):
    town.name = HYPERLINK
    town.save()
    response = login(inspector).get(reverse("duty:assessment_export") + f"?period={Q1}")
    assert_written_as_text(load_workbook(io.BytesIO(response.content)), HYPERLINK)


def test_an_unknown_period_cannot_be_downloaded(login, leader, town):
    assert login(leader).get(reverse("duty:assessment_export") + "?period=nope").status_code == 404


def test_an_admin_changes_the_weights_on_the_page(dataset, login, administrator):
    client = login(administrator)
    form = client.get(reverse("duty:scheme")).context["form"]
    data = {name: form[name].value() for name in AssessmentScheme.EDITABLE}
    data.update(weight_mediation="0", weight_defusal="0")
    data["black_on_skip_level"] = "on"
    response = client.post(reverse("duty:scheme"), data)
    assert response.status_code == 302
    assert AssessmentScheme.objects.get(town=dataset.village_a.town).weight_mediation == 0
    log = DutyLog.objects.get(action=DutyLog.Action.SCHEME_CHANGE)
    assert log.actor == administrator
    assert (log.before["weight_mediation"], log.after["weight_mediation"]) == ("20", "0")
    html = client.get(reverse("duty:assessment") + f"?period={Q1}").content.decode()
    assert "40.00" in html and "÷ 60" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"weight_on_time": "0", "weight_satisfaction": "0", "weight_mediation": "0", "weight_defusal": "0"},
            "At least one weight",
        ),
        ({"red_min_score": "70", "black_below_score": "80"}, "must be above the black list"),
        ({"weight_on_time": "-1"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_scheme_is_refused_and_nothing_changes(change, message, login, administrator, town):
    client = login(administrator)
    form = client.get(reverse("duty:scheme")).context["form"]
    data = {name: form[name].value() for name in AssessmentScheme.EDITABLE}
    data.update(change)
    data["black_on_skip_level"] = "on"
    response = client.post(reverse("duty:scheme"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssessmentScheme.objects.exists()
    assert not DutyLog.objects.exists()


def test_a_leader_cannot_post_the_scheme(login, leader, town):
    assert login(leader).post(reverse("duty:scheme"), {"weight_on_time": "99"}).status_code == 403
    assert not AssessmentScheme.objects.exists()


def test_assessment_query_count_is_pinned(dataset, login, leader, django_assert_num_queries):
    client = login(leader)
    url = reverse("duty:assessment") + f"?period={Q1}"
    client.get(url)
    # user (the session is cached) with town, scheme, villages with petition figures, mediation, risks
    with django_assert_num_queries(5):
        client.get(url)
    from tests.factories import VillageFactory

    for n in range(4):
        VillageFactory(town=dataset.village_a.town, code=f"34150210541{n}")
    with django_assert_num_queries(5):
        client.get(url)


def test_village_breakdown_query_count_is_pinned(dataset, login, leader, django_assert_num_queries):
    client = login(leader)
    url = reverse("duty:assessment_village", args=[dataset.village_a.code]) + f"?period={Q1}"
    client.get(url)
    # user (the session is cached) with town, the village, the assessment (4), the flagged petitions
    with django_assert_num_queries(7):
        client.get(url)
