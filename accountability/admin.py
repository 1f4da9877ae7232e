"""Meetings, supervisions and accountability records are written only by the services
(each with its event and the case's timeline entry), so the admin shows them read-only."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from accountability.models import (
    AccountabilityRecord,
    AgendaItem,
    CandidateEntry,
    CandidateList,
    Decision,
    Event,
    Meeting,
    Supervision,
)
from petitions.admin import AccusationsHidden
from petitions.states import Kind

ACCUSED = Kind.ACCUSATION


def _record_of_an_accusation(prefix: str = "") -> Q:
    """An accountability record that names an accusation, directly or through its supervision."""
    links = AccountabilityRecord.petitions.through.objects.filter(
        accountabilityrecord_id=OuterRef(f"{prefix}pk"), petition__kind=ACCUSED
    )
    return Q(Exists(links)) | Q(**{f"{prefix}supervision__petition__kind": ACCUSED})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(AccusationsHidden, admin.TabularInline):
    accusation = Q(petition__kind=ACCUSED)
    model = AgendaItem
    fields = ["order", "petition", "reason", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["date", "level", "town", "state", "chair", "secretary"]
    list_filter = ["level", "state", "town"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = Q(item__petition__kind=ACCUSED)
    list_display = ["item", "unit", "leader", "deadline", "state", "carried_out_at"]
    list_filter = ["state"]


@admin.register(Supervision)
class SupervisionAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = Q(petition__kind=ACCUSED)
    list_display = ["opened_at", "unit", "reason", "listed", "rectify_by", "state"]
    list_filter = ["state", "reason", "listed"]


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = _record_of_an_accusation()
    list_display = ["decided_on", "person", "form", "recorded_by"]
    list_filter = ["form"]


@admin.register(Event)
class EventAdmin(AccusationsHidden, ReadOnlyAdmin):
    accusation = (
        Q(petition__kind=ACCUSED) | Q(supervision__petition__kind=ACCUSED) | _record_of_an_accusation("record__")
    )
    list_display = ["at", "kind", "actor", "meeting", "supervision", "record"]
    list_filter = ["kind"]


class CandidateEntryInline(AccusationsHidden, admin.TabularInline):
    accusation = Q(petition__kind=ACCUSED)
    model = CandidateEntry
    fields = ["rule", "petition", "decision", "detail"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CandidateList)
class CandidateListAdmin(ReadOnlyAdmin):
    list_display = ["day", "town", "built_at"]
    list_filter = ["town"]
    date_hierarchy = "day"
    inlines = [CandidateEntryInline]
