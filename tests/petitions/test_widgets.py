"""Select boxes drawn in Python (petitions/widgets.py) give Django's HTML (without the blank
lines its templates leave between the options)."""

import re

import pytest
from django import forms
from django.http import QueryDict

from petitions.filters import PetitionFilter
from petitions.forms import IntakeForm
from petitions.widgets import FastSelectMixin


def _django_html(bound) -> str:
    widget = bound.field.widget
    fast = type(widget)
    original = next(cls for cls in fast.__mro__[1:] if not issubclass(cls, FastSelectMixin))
    widget.__class__ = original
    try:
        return re.sub(r">\s+<", "><", str(bound).strip())
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
        assert str(bound) == _django_html(bound), bound.name


def test_the_intake_forms_boxes_are_djangos(town, units, village_a, category):
    form = IntakeForm({"village": village_a.pk, "category": category.pk, "channel": "window"}, town=town)
    boxes = _selects(form)
    assert {"village", "category", "channel"} <= {b.name for b in boxes}
    for bound in boxes:
        assert str(bound) == _django_html(bound), bound.name


def test_grouped_choices_and_several_values():
    class Form(forms.Form):
        one = forms.ChoiceField(choices=[("", "---"), ("Group <a>", [("x", "X & Y"), ("y", "Y")]), ("z", "Z")])
        many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])

    from petitions.widgets import speed_up

    form = speed_up(Form({"one": "y", "many": ["a", "c"]}))
    for bound in _selects(form):
        assert str(bound) == _django_html(bound), bound.name
