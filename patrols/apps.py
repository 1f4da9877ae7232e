from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    """Grid patrols (巡查) and the disputes and risks found on them (矛盾隐患摸排)."""

    name = "patrols"
    verbose_name = _("Grid patrols")

    def ready(self) -> None:
        from core.models import Role
        from core.navigation import NavItem, register

        register(
            NavItem("village", _("My village"), "patrols:village", frozenset({Role.GRID_WORKER, Role.VILLAGE_AGENT})),
            before="petitions",
        )
