from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Town, villages and staff")

    def ready(self) -> None:
        from core.runtime import ensure_runtime_dirs

        ensure_runtime_dirs()
