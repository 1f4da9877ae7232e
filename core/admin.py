from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.models import CalendarDay, Grid, JobHeartbeat, Town, User, Village
from core.permissions import sees_accusations


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tracking_prefix", "hotline", "report_phone", "report_email"]
    search_fields = ["name", "code"]


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "town"]
    list_filter = ["town", "kind"]
    search_fields = ["name", "code"]
    inlines = [GridInline]
    list_select_related = ["town"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["__str__", "village", "number", "area"]
    list_filter = ["village__town"]
    search_fields = ["name", "village__name"]
    list_select_related = ["village"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "title", "village", "grid", "is_active"]
    list_filter = ["role", "town", "is_active"]
    search_fields = ["username", "full_name", "village__name"]
    list_select_related = ["village", "grid__village"]
    autocomplete_fields = ["village", "grid"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email")}),
        (_("Role and scope"), {"fields": ("role", "town", "village", "grid")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and scope"), {"fields": ("full_name", "role", "town", "village", "grid")}),
    )


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen"]
    readonly_fields = ["name", "last_seen"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The public holidays and make-up working days the working-day limits count with."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS[obj.date.weekday()]


# The audit trail (core/audit.py): readable by administrators, never changed or deleted here.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(LogEntryAdmin):
    """Entries of an accusation (``additional_data["accusation"]``, core/audit.py) are for
    discipline inspectors only; for anyone else they are not in the list and their pages 404."""

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        if sees_accusations(request.user):
            return entries
        return entries.exclude(additional_data__accusation=True)

    def has_delete_permission(self, request, obj=None):
        return False
