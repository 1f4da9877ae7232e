from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from core.navigation import NavItem, register
        from reports.permissions import DASHBOARD_READERS, REPORT_READERS

        register(NavItem("dashboard", _("Dashboard"), "reports:dashboard", DASHBOARD_READERS))
        register(NavItem("reports", _("Reports"), "reports:list", REPORT_READERS))
