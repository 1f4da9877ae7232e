from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Town, villages and staff")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import checks  # noqa: F401 (registers the system checks)
        from core.models import CalendarDay
        from core.runtime import ensure_runtime_dirs
        from core.workdays import calendar_changed

        ensure_runtime_dirs()
        from core.audit import register_models

        register_models()
        # The working-day calendar is cached per process; an edit in the admin clears it.
        post_save.connect(calendar_changed, sender=CalendarDay, dispatch_uid="core.workdays.calendar_saved")
        post_delete.connect(calendar_changed, sender=CalendarDay, dispatch_uid="core.workdays.calendar_deleted")
