from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apitokens.forms import ApiTokenCreateForm
from apitokens.models import ApiToken, ApiTokenUse
from apitokens.services import TokenError, api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "system", "prefix", "user", "channel", "created_at", "last_used_at", "expires_at", "status"]
    list_filter = ["channel", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "system", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "name",
        "system",
        "prefix",
        "user",
        "channel",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the log keeps pointing at the token

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status(self, obj):
        return obj.status

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, revoked_by=request.user)
            self.log_change(request, token, [{"changed": {"fields": ["revoked_at"]}}])
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )

    def add_view(self, request, form_url="", extra_context=None):
        """Issue a token through the service and show its secret once, on this response only
        (never in a message or the session)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenCreateForm(request.POST or None, initial={"town": request.user.town_id})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("New API token"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                issued = api_token_create(
                    name=data["name"],
                    system=data["system"],
                    channel=data["channel"],
                    expires_at=data["expires_at"],
                    user=data["user"],
                    role=data["role"],
                    town=data["town"],
                    village=data["village"],
                    grid=data["grid"],
                    created_by=request.user,
                )
            except TokenError as exc:
                form.add_error(None, str(exc))
            else:
                self.log_addition(request, issued.token, [{"added": {}}])
                context.update(title=_("API token created"), token=issued.token, secret=issued.secret)
                response = TemplateResponse(request, "admin/apitokens/apitoken/created.html", context)
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(request, "admin/apitokens/apitoken/add.html", context)


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path", "status", "client_address"]
    list_filter = ["status", "method", "token"]
    search_fields = ["path", "client_address", "token__prefix", "token__name"]
    list_select_related = ["token"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
