"""The case page's block of meetings, decisions and supervisions (two queries)."""

from django import template

from accountability.permissions import can_trace_responsibility
from accountability.selectors import case_accountability

register = template.Library()


@register.inclusion_tag("accountability/_case_block.html", takes_context=True)
def case_accountability_block(context, petition):
    user = context["request"].user
    items, supervisions = case_accountability(user, petition)
    return {
        "petition": petition,
        "items": items,
        "supervisions": supervisions,
        "can_trace": can_trace_responsibility(user),
    }
