from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from core.models import Role
        from core.navigation import NavItem, register

        register(NavItem("my_cases", _("My cases"), "accountability:my_cases", frozenset({Role.LEADER})))
        register(
            NavItem(
                "meetings",
                _("Liaison meetings"),
                "accountability:meetings",
                frozenset({Role.DESK_CLERK, Role.LEADER, Role.INSPECTOR, Role.ADMIN}),
            )
        )
        register(
            NavItem(
                "discipline",
                _("Discipline supervision"),
                "accountability:candidates",
                frozenset({Role.INSPECTOR, Role.LEADER}),
            )
        )
