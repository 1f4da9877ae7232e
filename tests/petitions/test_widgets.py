"""Select boxes drawn in Python (petitions/widgets.py) give Django's HTML (without the blank
lines its templates leave between the options)."""

import re

import pytest
from django import forms
from django.http import QueryDict

from petitions.filters import PetitionFilter
from petitions.forms import IntakeForm
from petitions.widgets import FastInputMixin, FastSelectMixin


def _tidy(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def _django_html(bound) -> str:
    widget = bound.field.widget
    fast = type(widget)
    original = next(cls for cls in fast.__mro__[1:] if not issubclass(cls, FastSelectMixin | FastInputMixin))
    widget.__class__ = original
    try:
        return _tidy(str(bound))
    finally:
        widget.__class__ = fast


def _selects(form):
    return [form[name] for name, field in form.fields.items() if isinstance(field.widget, FastSelectMixin)]


@pytest.mark.parametrize(
    "query",
    ["", "state=registered&state=handling&village={village}&sort=-registered_at", "village=999999&light=bogus"],
)
def test_the_filter_forms_boxes_are_djangos(desk_clerk, units, village_a, category, query):
    data = QueryDict(query.format(village=village_a.pk))
    form = PetitionFilter(data, queryset=None, user=desk_clerk).form
    boxes = _selects(form)
    assert len(boxes) >= 8
    for bound in boxes:
        assert _tidy(str(bound)) == _django_html(bound), bound.name


def test_the_intake_forms_boxes_are_djangos(town, units, village_a, category):
    form = IntakeForm({"village": village_a.pk, "category": category.pk, "channel": "window"}, town=town)
    boxes = _selects(form)
    assert {"village", "category", "channel"} <= {b.name for b in boxes}
    for bound in boxes:
        assert _tidy(str(bound)) == _django_html(bound), bound.name


def test_grouped_choices_and_several_values():
    class Form(forms.Form):
        one = forms.ChoiceField(choices=[("", "---"), ("Group <a>", [("x", "X & Y"), ("y", "Y")]), ("z", "Z")])
        many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])

    from petitions.widgets import speed_up

    form = speed_up(Form({"one": "y", "many": ["a", "c"]}))
    for bound in _selects(form):
        assert _tidy(str(bound)) == _django_html(bound), bound.name


def _all_fields(form):
    return [form[name] for name in form.fields]


def test_every_box_of_the_intake_page_is_djangos(login, desk_clerk, town, units, village_a, category):
    from petitions.forms import PetitionerFormSet

    bound = IntakeForm({"village": village_a.pk, "title": '<b>"x"</b>', "content": "a\n<b>", "headcount": 2}, town=town)
    people = PetitionerFormSet({"p-TOTAL_FORMS": 5, "p-INITIAL_FORMS": 0, "p-0-name": "刘&芳"}, prefix="p")
    forms_ = [IntakeForm(town=town), bound, *people.forms, people.management_form]
    for form in forms_[:-1]:
        if form.is_bound:
            form.is_valid()  # the errors' classes and the typed values are drawn too
    fast_inputs = [f for form in forms_ for f in _all_fields(form) if isinstance(f.field.widget, FastInputMixin)]
    assert len(fast_inputs) >= 30
    for field in fast_inputs:
        assert _tidy(str(field)) == _django_html(field), field.html_name


def test_the_case_pages_action_forms_are_djangos(desk_clerk, register, walk, units):
    from petitions.actions import action_forms_for
    from petitions.states import State

    petition = walk(register(), State.HANDLING)
    fields = [f for _, _, form in action_forms_for(desk_clerk, petition) for f in _all_fields(form)]
    assert any(isinstance(f.field.widget, FastInputMixin) for f in fields)
    for field in fields:
        if isinstance(field.field.widget, FastSelectMixin | FastInputMixin):
            assert _tidy(str(field)) == _django_html(field), field.html_name
