"""Who may see which villages. One helper per object type (CONVENTIONS.md §6)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import VILLAGE_ROLES, Village


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
