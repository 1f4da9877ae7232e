from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Mediation")

    def ready(self) -> None:
        from core.models import Role
        from core.navigation import NavItem, register

        register(
            NavItem(
                "mediation",
                _("Mediation"),
                "mediation:overview",
                frozenset({Role.MEDIATOR, Role.DESK_CLERK, Role.LEADER, Role.ADMIN}),
            )
        )
