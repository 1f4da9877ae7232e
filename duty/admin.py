"""The roster, the cards and the scheme can be edited here too. The admin form checks the
models' own rules (a town leader, one per day, no overlapping receptions, the scheme's
constraints); every save and delete then goes through ``duty.services`` so the change log
stays complete."""

from django.contrib import admin

from duty import services
from duty.models import AssessmentScheme, DutyLog, LeaderOnDuty, ReceptionDay, StaffCard

CARD_VALUES = ("name", "post", "identity", "duty", "commitment", "sort", "active")


class ServiceAdmin(admin.ModelAdmin):
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ["town", "weight_on_time", "weight_satisfaction", "weight_mediation", "weight_defusal", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "town"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in AssessmentScheme.EDITABLE if name in form.cleaned_data}
        obj.pk = services.scheme_update(town=obj.town, actor=request.user, values=values).pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeaderOnDuty)
class LeaderOnDutyAdmin(ServiceAdmin):
    list_display = ["day", "leader", "town", "note"]
    list_filter = ["town"]
    date_hierarchy = "day"

    def get_readonly_fields(self, request, obj=None):
        return ["town", "day"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.duty_change(duty=obj, actor=request.user, leader=obj.leader, note=obj.note)
        else:
            obj.pk = services.duty_add(
                town=obj.town, actor=request.user, day=obj.day, leader=obj.leader, note=obj.note
            ).pk

    def delete_model(self, request, obj):
        services.duty_remove(duty=obj, actor=request.user)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ServiceAdmin):
    list_display = ["day", "starts", "ends", "leader", "place", "topic", "town"]
    list_filter = ["town"]
    date_hierarchy = "day"

    def get_readonly_fields(self, request, obj=None):
        return ["town"] if obj else []

    def save_model(self, request, obj, form, change):
        fields = {k: getattr(obj, k) for k in ("day", "leader", "place", "starts", "ends", "topic")}
        if change:
            services.reception_change(reception=obj, actor=request.user, **fields)
        else:
            obj.pk = services.reception_add(town=obj.town, actor=request.user, **fields).pk

    def delete_model(self, request, obj):
        services.reception_remove(reception=obj, actor=request.user)


@admin.register(StaffCard)
class StaffCardAdmin(ServiceAdmin):
    list_display = ["name", "post", "identity", "sort", "active", "town"]
    list_filter = ["town", "active", "identity"]
    list_editable = []

    def get_readonly_fields(self, request, obj=None):
        return ["town"] if obj else []

    def save_model(self, request, obj, form, change):
        values = {k: getattr(obj, k) for k in CARD_VALUES}
        photo = form.cleaned_data.get("photo") if "photo" in form.changed_data else None
        upload = photo if photo and hasattr(photo, "content_type") else None
        if change:
            services.card_change(card=obj, actor=request.user, values=values, photo=upload, remove_photo=photo is False)
        else:
            obj.pk = services.card_add(town=obj.town, actor=request.user, values=values, photo=upload).pk

    def delete_model(self, request, obj):
        services.card_remove(card=obj, actor=request.user)


@admin.register(DutyLog)
class DutyLogAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "subject", "actor", "town"]
    list_filter = ["action", "town"]
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
