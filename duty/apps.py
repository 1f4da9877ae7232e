from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Duty and village assessment")

    def ready(self) -> None:
        from core.models import Role
        from core.navigation import NavItem, register

        register(
            NavItem(
                "assessment",
                _("Village assessment"),
                "duty:assessment",
                frozenset({Role.LEADER, Role.INSPECTOR, Role.DESK_CLERK, Role.ADMIN}),
            )
        )
        register(
            NavItem("roster", _("Duty roster"), "duty:roster", frozenset({Role.DESK_CLERK, Role.LEADER, Role.ADMIN}))
        )
