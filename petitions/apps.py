from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from core.models import Role
        from core.navigation import NavItem, register
        from petitions.permissions import REGISTERING

        register(NavItem("petitions", _("Petitions"), "petitions:list", frozenset(set(Role) - {Role.MEDIATOR})))
        register(NavItem("intake", _("New petition"), "petitions:intake", REGISTERING))
        from petitions import listcache

        listcache.connect()
