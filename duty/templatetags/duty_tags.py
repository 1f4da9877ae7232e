"""The public page's duty board, in two parts so the first sits beside the contacts:

``{% load duty_tags %}``, inside the contacts' ``.cards`` row ``{% duty_today desk_town %}``
(today's leader on duty, the coming reception days: two queries), and after it
``{% duty_public desk_town %}`` (this year's no-skip-level villages and the staff cards:
two queries). Neither queries anything without a town."""

from django import template
from django.utils import timezone

from duty.assessment import num as _num
from duty.selectors import public_more, public_today

register = template.Library()


@register.inclusion_tag("duty/_public_today.html")
def duty_today(town):
    if not town:
        return {"board": None}
    return {"board": public_today(town=town, today=timezone.localdate())}


@register.inclusion_tag("duty/_public_more.html")
def duty_public(town):
    if not town:
        return {"board": None}
    return {"board": public_more(town=town, today=timezone.localdate())}


@register.filter
def pct(rate) -> str:
    """0.6667 → "66.7%"; None (nothing to measure) → "—"."""
    if rate is None or rate == "":
        return "—"
    return f"{rate * 100:.1f}%"


@register.filter
def num(value) -> str:
    """80.00 → "80", 0.50 → "0.5"."""
    return _num(value)
