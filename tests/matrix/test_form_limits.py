"""Every text field of every form of the desk has a length limit, so no form can store a
novel where a sentence belongs (the fuzz fills all fields at once and would not notice one)."""

import importlib
import inspect

from django import forms
from django.apps import apps

OWN_APPS = ("core", "petitions", "patrols", "mediation", "accountability", "reports", "duty", "desk", "twofactor")


def form_classes():
    for label in OWN_APPS:
        if not apps.is_installed(label):
            continue
        try:
            module = importlib.import_module(f"{label}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_text_field_has_a_max_length():
    unlimited = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in form_classes()
        for name, field in cls.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert not unlimited, f"text fields without max_length: {unlimited}"
