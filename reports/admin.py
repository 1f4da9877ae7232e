from django.contrib import admin

from reports.models import JobRun, ReportSnapshot


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    list_display = ["kind", "town", "period_start", "period_end", "generated_at", "generated_by", "version"]
    list_filter = ["kind", "town"]
    readonly_fields = [f.name for f in ReportSnapshot._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "started_at", "duration", "ok", "message"]
    list_filter = ["name", "ok"]

    def has_change_permission(self, request, obj=None):
        return False
