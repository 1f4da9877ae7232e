"""Who sees patrols and risks: village staff their village's, town staff the town's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.models import Role
from patrols.models import Patrol, Risk

VILLAGE_BOUND = (Role.GRID_WORKER, Role.VILLAGE_AGENT, Role.MEDIATOR)
TOWN_WIDE = (Role.DESK_CLERK, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
RECORDING = (Role.GRID_WORKER, Role.VILLAGE_AGENT)


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def _scoped(model, user) -> QuerySet:
    if not user.is_authenticated:
        return model.objects.none()
    role = _role(user)
    if role in VILLAGE_BOUND:
        return model.objects.filter(village_id=user.village_id)
    if role in TOWN_WIDE:
        return model.objects.filter(town_id=user.town_id) if user.town_id else model.objects.all()
    return model.objects.none()


def patrols_visible_to(user) -> QuerySet[Patrol]:
    return _scoped(Patrol, user)


def risks_visible_to(user) -> QuerySet[Risk]:
    return _scoped(Risk, user)


def get_risk_for_user(user, pk: int) -> Risk:
    risk = (
        risks_visible_to(user)
        .select_related("village", "grid", "reported_by", "petition", "mediation_case")
        .filter(pk=pk)
        .first()
    )
    if risk is None:
        raise Http404
    return risk


def can_record(user) -> bool:
    """Grid workers and village agents log patrols and report risks in their village."""
    return user.is_authenticated and _role(user) in RECORDING and user.village_id is not None


def can_handle_risk(user, risk: Risk) -> bool:
    role = _role(user)
    if role in RECORDING:
        return user.village_id == risk.village_id
    return role in (Role.DESK_CLERK, Role.LEADER)
