"""Select boxes rendered in Python. Django renders every ``<option>`` through a template
include; the case list's filter and the intake form have about 250 options (88 grids, 53
categories, 45 units, 29 villages), which cost more than all their database queries. The HTML
is the same as Django's templates give (``django/forms/widgets/select.html``)."""

from __future__ import annotations

import time
from functools import cache

from django import forms
from django.db.models.signals import post_delete, post_save
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from core.models import Grid, User, Village
from petitions.models import Category, HandlingUnit


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False is left out, True is written bare.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelectMixin:
    choice_field = None  # a model choice field whose choices come from the cache below

    def render(self, name, value, attrs=None, renderer=None):
        # As Select.get_context and optgroups, without a dict per option: only the first match
        # is selected unless the box takes several, "multiple" comes from the widget.
        if self.choice_field is not None:
            self.choices = cached_choices(self.choice_field)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        values = self.format_value(value)
        parts = [f'<select name="{escape(name)}"{_attrs(attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            group_name = None
            items = ((option_value, option_label),)
            if isinstance(option_label, list | tuple):
                group_name, items = option_value, option_label
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            for subvalue, sublabel in items:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'<option value="{escape(subvalue)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(sublabel)}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


# Django's input templates (each one includes input.html, which includes attrs.html): the
# intake page has ~45 of them, ~8 ms of template rendering.
_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "hidden", "date", "datetime", "time", "password", "checkbox")
}


class FastInputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if self.template_name == "django/forms/widgets/textarea.html":  # as textarea.html
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            return mark_safe(f'<textarea name="{escape(name)}"{_attrs(widget["attrs"])}>\n{text}</textarea>')  # noqa: S308
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        html = f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}{_attrs(widget["attrs"])}>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped


@cache
def _fast(cls: type, mixin: type) -> type:
    return type(f"Fast{cls.__name__}", (mixin, cls), {})


def speed_up(form: forms.Form) -> forms.Form:
    """Render the form's select boxes and plain inputs in Python (the same HTML, several times
    faster), with the model choices kept for a minute (below), read only when the box is drawn.
    A widget with a template of its own (a file input, a project template) is left alone."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, FastSelectMixin | FastInputMixin):
            continue
        if isinstance(widget, forms.Select) and widget.template_name == "django/forms/widgets/select.html":
            widget.__class__ = _fast(type(widget), FastSelectMixin)
            if getattr(field, "queryset", None) is not None:
                widget.choice_field = field
        elif isinstance(widget, forms.widgets.Input | forms.Textarea) and (
            widget.template_name in _INPUT_TEMPLATES or widget.template_name == "django/forms/widgets/textarea.html"
        ):
            widget.__class__ = _fast(type(widget), FastInputMixin)
    return form


# --- Choices of model select boxes, kept for a minute --------------------------------------------
# Every case list and intake page lists the town's villages, grids, units, categories and
# leaders: ~250 rows in five queries, the same for everybody of the town. They are kept per
# process for CHOICES_SECONDS, and forgotten at once when this process saves or deletes one of
# those rows (another process's change shows here after at most CHOICES_SECONDS); a submitted
# value is still checked against the database by the form field.
CHOICES_SECONDS = 60
_choices: dict[tuple, tuple[float, list]] = {}


def cached_choices(field) -> list:
    # The key is the query's parts, compared as values; compiling the query to SQL for a key
    # cost more than drawing the box.
    query = field.queryset.query
    key = (
        type(field).__name__,
        query.model._meta.label,
        query.where,
        tuple(query.order_by),
        repr(query.select_related),
        query.low_mark,
        query.high_mark,
    )
    now = time.monotonic()
    hit = _choices.get(key)
    if hit is None or now - hit[0] > CHOICES_SECONDS:
        hit = (now, [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset])
        _choices[key] = hit
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    return empty + hit[1]


def forget_choices(**kwargs) -> None:
    _choices.clear()


for _model in (Village, Grid, User, HandlingUnit, Category):
    post_save.connect(forget_choices, sender=_model, dispatch_uid=f"petitions.widgets.save.{_model.__name__}")
    post_delete.connect(forget_choices, sender=_model, dispatch_uid=f"petitions.widgets.delete.{_model.__name__}")
