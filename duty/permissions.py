"""Who may see the village assessment and the duty roster, and who may change them
(CONVENTIONS.md §6). The public board needs no helper: it shows only what is public.

- Assessment: town leaders, discipline inspectors, desk clerks, administrators read it;
  only administrators change the scheme (also in the admin).
- Roster and staff cards: desk clerks, leaders and administrators read them; desk clerks
  and administrators change them.
- Everything is the user's own town's; another town's rows are 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.models import Role, Town

ASSESSMENT_READERS = frozenset({Role.LEADER, Role.INSPECTOR, Role.DESK_CLERK, Role.ADMIN})
SCHEME_EDITORS = frozenset({Role.ADMIN})
ROSTER_READERS = frozenset({Role.DESK_CLERK, Role.LEADER, Role.ADMIN})
ROSTER_EDITORS = frozenset({Role.DESK_CLERK, Role.ADMIN})


def _role(user) -> str | None:
    if not user.is_authenticated:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def can_view_assessment(user) -> bool:
    return _role(user) in ASSESSMENT_READERS


def can_edit_scheme(user) -> bool:
    return _role(user) in SCHEME_EDITORS


def can_view_roster(user) -> bool:
    return _role(user) in ROSTER_READERS


def can_manage_roster(user) -> bool:
    return _role(user) in ROSTER_EDITORS


def town_of(user, *, allowed) -> Town:
    """The user's town when ``allowed(user)``; 403 for another role, 404 without a town."""
    if not allowed(user):
        raise PermissionDenied
    if user.town_id is None:
        raise Http404
    return user.town


def get_for_user(user, model, pk: int, *, allowed=can_manage_roster):
    """One roster row or card of the user's town, for a user who may change it; 404 outside."""
    town = town_of(user, allowed=allowed)
    obj = model.objects.filter(town=town, pk=pk).first()
    if obj is None:
        raise Http404
    return obj
