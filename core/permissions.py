"""Who may see which villages. One helper per object type (CONVENTIONS.md §6)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import VILLAGE_ROLES, Role, Village


def villages_visible_to(user) -> QuerySet[Village]:
    """Village-bound staff see their own village; town staff see every village of their town."""
    if not user.is_authenticated:
        return Village.objects.none()
    if user.is_superuser:
        return Village.objects.all()
    if user.role in VILLAGE_ROLES:
        return Village.objects.filter(pk=user.village_id)
    if user.town_id is None:
        return Village.objects.none()
    return Village.objects.filter(town_id=user.town_id)


def sees_accusations(user) -> bool:
    """Accusations (检举控告) and everything tied to one — their records, their audit entries,
    their people — are for the discipline inspectors only (Art. 30), in the admin as anywhere.
    An administrator who is not an inspector does not see them."""
    return bool(user.is_authenticated and user.role == Role.INSPECTOR)
