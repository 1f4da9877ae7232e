"""Who answers for a case (谁主管谁负责): the default table, intake, and the change with a reason."""

import pytest
from django.urls import reverse

from core.models import Role
from petitions import demo, responsibility
from petitions.errors import InvalidInput, NotAllowed
from petitions.forms import AssignForm
from petitions.models import Category, HandlingUnit, Petition, ResponsibilityRule, TimelineEntry
from petitions.states import Action, Kind
from tests.factories import UserFactory
from tests.petitions.test_pages import intake_data


@pytest.fixture
def table(town, village_a, units, leader):
    """Fallback → reception centre / the secretary; neighbours (top level) → 综治中心 / the
    deputy; the boundary leaf → 司法所 / the head; the boundary leaf in village A → village A's
    unit / the political-legal member."""
    deputy = UserFactory(role=Role.LEADER, town=town, full_name="刘副书记")
    head = UserFactory(role=Role.LEADER, town=town, full_name="张镇长")
    member = UserFactory(role=Role.LEADER, town=town, full_name="赵委员")
    boundary = Category.objects.get(code="neighbours-boundary")
    justice = HandlingUnit.objects.get(town=town, name="司法所")
    rules = {
        "fallback": ResponsibilityRule.objects.create(town=town, unit=units.reception, leader=leader),
        "top": ResponsibilityRule.objects.create(
            town=town, category=boundary.parent, unit=units.zongzhi, leader=deputy
        ),
        "leaf": ResponsibilityRule.objects.create(town=town, category=boundary, unit=justice, leader=head),
        "leaf_village": ResponsibilityRule.objects.create(
            town=town, category=boundary, village=village_a, unit=units.village_a, leader=member
        ),
    }
    return rules


def test_the_most_specific_rule_wins(town, table, village_a, village_b):
    boundary = Category.objects.get(code="neighbours-boundary")
    passage = Category.objects.get(code="neighbours-passage")
    wages = Category.objects.get(code="wages-arrears")
    assert responsibility.default_for(town=town, category=boundary, village=village_a) == table["leaf_village"]
    assert responsibility.default_for(town=town, category=boundary, village=village_b) == table["leaf"]
    assert responsibility.default_for(town=town, category=boundary, village=None) == table["leaf"]
    assert responsibility.default_for(town=town, category=passage, village=village_a) == table["top"]
    assert responsibility.default_for(town=town, category=wages, village=village_a) == table["fallback"]


def test_one_query_picks_the_default(town, table, village_a, django_assert_num_queries):
    boundary = Category.objects.select_related("parent").get(code="neighbours-boundary")
    with django_assert_num_queries(1):
        responsibility.default_for(town=town, category=boundary, village=village_a)


def test_registration_takes_the_default_and_says_so_to_staff_only(register, table):
    p = register()  # neighbours-boundary in village A
    assert p.responsible_leader == table["leaf_village"].leader
    note = TimelineEntry.objects.get(petition=p, action=Action.NOTE)
    assert "赵委员" in note.note and note.public is False


def test_another_leader_needs_a_reason_and_nothing_is_saved_without_one(register, table, leader):
    with pytest.raises(InvalidInput, match="赵委员"):
        register(responsible_leader=leader)
    assert not Petition.objects.exists()
    p = register(responsible_leader=leader, responsibility_reason="书记包保该村。")
    assert p.responsible_leader == leader
    assert "书记包保该村。" in TimelineEntry.objects.get(petition=p, action=Action.NOTE).note


def test_only_a_leader_of_the_town_can_answer_for_a_case(register, table, handler):
    with pytest.raises(InvalidInput):
        register(responsible_leader=handler, responsibility_reason="试试")
    assert not Petition.objects.exists()


def test_accusations_get_no_responsible_leader(accusation, table):
    assert accusation().responsible_leader is None


def test_without_a_table_nobody_is_chosen(register):
    p = register()
    assert p.responsible_leader is None
    assert not TimelineEntry.objects.filter(petition=p, action=Action.NOTE).exists()


def test_changing_the_responsible_leader_needs_a_reason(register, act, table, desk_clerk, leader, grid_worker_a):
    p = register()
    with pytest.raises(InvalidInput):
        act(Action.SET_RESPONSIBLE, p, desk_clerk, leader=leader, reason=" ")
    with pytest.raises(NotAllowed):
        act(Action.SET_RESPONSIBLE, p, grid_worker_a, leader=leader)
    p = act(Action.SET_RESPONSIBLE, Petition.objects.get(pk=p.pk), desk_clerk, leader=leader, reason="换人包案。")
    assert p.responsible_leader == leader
    entry = TimelineEntry.objects.filter(petition=p, action=Action.SET_RESPONSIBLE).get()
    assert "赵委员" in entry.note and "换人包案。" in entry.note and not entry.public
    with pytest.raises(InvalidInput, match="陈书记"):
        act(Action.SET_RESPONSIBLE, p, desk_clerk, leader=leader, reason="again")


def test_the_assign_form_proposes_the_default_unit(register, table, units):
    p = register()
    form = AssignForm(petition=p)
    assert form.fields["unit"].initial == units.village_a.pk
    assert form.fields["leader"].initial == table["leaf_village"].leader_id


def test_intake_page_shows_the_table_and_registers_with_the_default(
    login, desk_clerk, table, category, village_a, grid_a
):
    client = login(desk_clerk)
    page = client.get(reverse("petitions:intake")).content.decode()
    assert 'id="responsibility-rules"' in page and "赵委员" in page
    assert 'name="responsible_leader"' in page
    response = client.post(reverse("petitions:intake"), intake_data(category, village_a, grid_a))
    assert response.status_code == 302
    assert Petition.objects.get().responsible_leader == table["leaf_village"].leader


def test_intake_with_another_leader_and_no_reason_shows_the_error(
    login, desk_clerk, leader, table, category, village_a, grid_a
):
    data = intake_data(category, village_a, grid_a, responsible_leader=leader.pk)
    response = login(desk_clerk).post(reverse("petitions:intake"), data)
    assert response.status_code == 200
    assert "赵委员" in response.content.decode()
    assert not Petition.objects.exists()
    data = intake_data(category, village_a, grid_a, responsible_leader=leader.pk, responsibility_reason="书记包村")
    assert login(desk_clerk).post(reverse("petitions:intake"), data).status_code == 302
    assert Petition.objects.get().responsible_leader == leader


def test_the_demo_table_covers_every_top_level_category(town, units):
    for title in ("镇党委书记", "镇长", "镇党委副书记", "镇政法委员", "副镇长"):
        UserFactory(role=Role.LEADER, town=town, title=title)
    made = demo.responsibility_rules(town=town)
    assert made == ResponsibilityRule.objects.count() >= 11
    assert demo.responsibility_rules(town=town) == 0  # once
    for top in Category.objects.filter(parent__isnull=True):
        leaf = top.children.first()
        rule = responsibility.default_for(town=town, category=leaf, village=None)
        assert rule is not None and rule.leader.role == Role.LEADER


def test_kind_accusation_is_the_discipline_committees(accusation, table, act, inspector, leader):
    p = accusation()
    assert p.kind == Kind.ACCUSATION
    with pytest.raises(NotAllowed):
        act(Action.SET_RESPONSIBLE, p, inspector, leader=leader)
