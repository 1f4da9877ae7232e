from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from core.permissions import sees_accusations
from petitions.models import (
    Attachment,
    Category,
    HandlingUnit,
    Petition,
    Petitioner,
    PetitionPetitioner,
    ResponsibilityRule,
    RevealLog,
    TimeLimit,
    TimelineEntry,
)
from petitions.states import Kind


class AccusationsHidden:
    """Leaves out of a list and its change pages (404) every row tied to an accusation, for
    anyone but a discipline inspector. ``accusation`` is the Q that finds those rows."""

    accusation: Q

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows if sees_accusations(request.user) else rows.exclude(self.accusation)


def only_in_accusations(link: str = "pk") -> Q:
    """A petitioner who appears in accusations and in nothing else: the accuser's own row."""
    links = PetitionPetitioner.objects.filter(petitioner_id=OuterRef(link))
    return Q(Exists(links.filter(petition__kind=Kind.ACCUSATION))) & ~Q(
        Exists(links.exclude(petition__kind=Kind.ACCUSATION))
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services may write: the admin shows them, nothing more."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "sort", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "village", "head", "active"]
    list_filter = ["town", "kind", "active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["head"]
    list_select_related = ["village", "head"]


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    """The default responsibility table (谁主管谁负责): category × village → unit and leader."""

    list_display = ["category", "village", "unit", "leader", "town"]
    list_filter = ["town", "unit", "leader"]
    search_fields = ["category__name", "village__name", "unit__name", "leader__full_name"]
    list_select_related = ["category__parent", "village", "unit", "leader", "town"]
    autocomplete_fields = ["category", "village", "unit", "leader"]


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["key", "days", "working_days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ["at", "actor", "action", "from_state", "to_state", "public", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = Q(kind=Kind.ACCUSATION)
    list_display = ["tracking_number", "title", "state", "kind", "origin", "village", "unit", "next_due"]
    list_filter = ["state", "kind", "origin", "channel", "town"]
    search_fields = ["tracking_number", "title"]
    list_select_related = ["village", "unit"]
    exclude = ["query_code", "client_token"]
    inlines = [TimelineInline]


@admin.register(Petitioner)
class PetitionerAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = only_in_accusations()
    list_display = ["masked_name", "masked_phone", "masked_id_number", "village"]
    fields = ["masked_name", "masked_phone", "masked_id_number", "village", "created_at"]
    readonly_fields = fields
    list_select_related = ["village"]


@admin.register(Attachment)
class AttachmentAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = Q(petition__kind=Kind.ACCUSATION)
    list_display = ["name", "petition", "content_type", "size", "uploaded_at"]


@admin.register(RevealLog)
class RevealLogAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = Q(petition__kind=Kind.ACCUSATION) | only_in_accusations("petitioner_id")
    list_display = ["at", "user", "petitioner", "petition", "reason"]
    list_select_related = ["user", "petitioner", "petition"]
