"""The navigation: which role sees which entry. Later features add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("My desk"), "core:home", ALL_ROLES),
    NavItem("villages", _("Villages"), "core:villages", ALL_ROLES),
    NavItem("notifications", _("Notifications"), "core:notifications", ALL_ROLES),
    NavItem("admin", _("Administration"), "admin:index", frozenset({Role.ADMIN})),
]


def register(item: NavItem, *, before: str = "villages") -> None:
    """Apps add their entries from AppConfig.ready(), so core needs to know none of them."""
    if any(existing.key == item.key for existing in NAV_ITEMS):
        return
    position = next((i for i, existing in enumerate(NAV_ITEMS) if existing.key == before), len(NAV_ITEMS))
    NAV_ITEMS.insert(position, item)


def nav_items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    role = Role.ADMIN if user.is_superuser else user.role
    return [item for item in NAV_ITEMS if role in item.roles]
