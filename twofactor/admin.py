from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor import services
from twofactor.models import AccountSecurity


class LockedOutFilter(admin.SimpleListFilter):
    title = _("locked out")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(_locked=self.value() == "yes")
        return queryset


@admin.register(AccountSecurity)
class AccountSecurityAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "role", "is_active", "locked_out", "second_factor"]
    list_filter = [LockedOutFilter, "role", "is_active"]
    search_fields = ["username", "full_name"]
    ordering = ["username"]
    actions = ["unlock_login", "reset_second_factor"]
    fields = ["username", "full_name", "role", "is_active", "last_login"]
    readonly_fields = fields

    def get_queryset(self, request):
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        locked = AccessAttempt.objects.filter(
            username=OuterRef("username"),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        )
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(_locked=Exists(locked), _second_factor=Exists(devices))

    @admin.display(boolean=True, description=_("locked out"), ordering="_locked")
    def locked_out(self, obj) -> bool:
        return obj._locked

    @admin.display(boolean=True, description=_("two-step login"), ordering="_second_factor")
    def second_factor(self, obj) -> bool:
        return obj._second_factor

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Unlock login (forget failed attempts)"), permissions=["change"])
    def unlock_login(self, request, queryset):
        count = sum(1 for username in queryset.values_list("username", flat=True) if axes_reset(username=username))
        self.message_user(
            request,
            ngettext("%(count)d account unlocked.", "%(count)d accounts unlocked.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset two-step login (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        users = list(queryset)
        services.devices_reset(users=users, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-step login reset for %(count)d account.",
                "Two-step login reset for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
