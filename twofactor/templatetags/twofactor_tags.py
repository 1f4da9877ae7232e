from django import template

from twofactor import policy

register = template.Library()


@register.filter
def may_enrol(user) -> bool:
    """Whether the two-step login page is offered to this user (no query)."""
    return policy.may_enrol(user)
