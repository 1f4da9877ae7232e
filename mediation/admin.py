"""Rooms and their members are kept in the admin; cases, agreements and their history are
written only by the services (the lifecycle table), so the admin shows them read-only, with
parties masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    IdentityReveal,
    MediationCase,
    MediationRoom,
    Party,
    RoomMember,
)
from mediation.selectors import room_composition_warnings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RoomMemberInline(admin.TabularInline):
    model = RoomMember
    fields = ["name", "kind", "is_chair", "gender", "phone", "user", "term_start", "term_end", "sort"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(MediationRoom)
class MediationRoomAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "opening_hours", "composition"]
    list_filter = ["village__town"]
    search_fields = ["name", "village__name"]
    list_select_related = ["village"]
    readonly_fields = ["village"]
    inlines = [RoomMemberInline]

    def has_add_permission(self, request):
        return False  # one room per village, made by `mediation.services.rooms_ensure`

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("composition warnings"))
    def composition(self, room: MediationRoom) -> str:
        return " ".join(room_composition_warnings(room))


@admin.register(RoomMember)
class RoomMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "room", "kind", "is_chair", "gender", "masked_phone", "term_start", "term_end"]
    list_filter = ["kind", "is_chair", "gender", "room__village__town"]
    search_fields = ["name", "room__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["room"]


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["role", "masked_name", "masked_phone", "masked_id_number"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "actor", "action", "from_state", "to_state", "note"]
    readonly_fields = fields


@admin.register(MediationCase)
class MediationCaseAdmin(ReadOnlyAdmin):
    list_display = ["tracking_number", "summary", "room", "state", "source", "risk_level", "registered_at"]
    list_filter = ["state", "source", "dispute_kind", "risk_level", "room__village__town"]
    search_fields = ["tracking_number", "summary"]
    list_select_related = ["room"]
    exclude = ["client_token"]
    inlines = [PartyInline, EventInline]


class TermInline(ReadOnlyInline):
    model = AgreementTerm
    fields = ["text", "due", "performance", "checked_at"]
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["case", "signed_at", "performance_deadline", "judicial_confirmation_due", "court_result"]
    list_filter = ["court_result"]
    search_fields = ["case__tracking_number"]
    list_select_related = ["case"]
    inlines = [TermInline]


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    """The log of full-identity prints of agreements."""

    list_display = ["at", "case", "user", "reason"]
    list_select_related = ["case", "user"]
    date_hierarchy = "at"
