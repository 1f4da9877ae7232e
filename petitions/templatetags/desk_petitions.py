from django import template
from django.utils.html import format_html

from petitions import clocks
from petitions.states import Light

register = template.Library()
LABELS = dict(Light.choices)


@register.simple_tag
def light_badge(petition):
    """A traffic light for an open petition's next deadline (green / amber / red)."""
    light = clocks.light_for(petition.next_due)
    if light is None:
        return ""
    return format_html(
        '<span class="light light-{}" data-light="{}" title="{}">{}</span>',
        light,
        light,
        petition.next_due.isoformat(),
        LABELS[light],
    )
