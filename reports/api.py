"""The stored reports (weekly circulars and monthly analyses) in the API (/api/v1/reports/):
the list without figures, one snapshot with its figures as frozen when it was generated.
The same scope helper as the pages (reports.permissions.snapshots_visible_to)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from reports.models import ReportSnapshot
from reports.permissions import can_read_reports, snapshots_visible_to


class ReportOut(serializers.ModelSerializer):
    town = serializers.CharField(source="town.name")

    class Meta:
        model = ReportSnapshot
        fields = ["id", "kind", "town", "period_start", "period_end", "version", "generated_at"]


class ReportDetailOut(ReportOut):
    figures = serializers.JSONField(help_text="生成时冻结的全部数字（结构见各报告的 version）。")

    class Meta(ReportOut.Meta):
        fields = [*ReportOut.Meta.fields, "figures"]


class ReadsReports(permissions.BasePermission):
    """Every member of staff of the town but mediators (reports.permissions)."""

    def has_permission(self, request, view) -> bool:
        return can_read_reports(request.user)


REPORT_EXAMPLE = {
    "id": 12,
    "kind": "weekly_circular",
    "town": "东河口镇",
    "period_start": "2026-11-16",
    "period_end": "2026-11-22",
    "version": 1,
    "generated_at": "2026-11-23T08:00:05+08:00",
}


@extend_schema_view(
    list=extend_schema(
        summary="报告列表（周通报、月分析）",
        description="本镇已生成的周通报和月度分析，新的在前；不含数字（见详情）。调解员没有报告。"
        "`kind` 按种类筛选（weekly_circular、monthly_analysis）。",
        parameters=[OpenApiParameter("kind", str, enum=ReportSnapshot.Kind.values, description="报告种类")],
        examples=[
            OpenApiExample(
                "报告",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [REPORT_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="报告详情（含数字）",
        description="一份报告及其生成时冻结的数字；报告不再改变。",
        examples=[
            OpenApiExample(
                "周通报",
                response_only=True,
                value={
                    **REPORT_EXAMPLE,
                    "figures": {
                        "period": {"start": "2026-11-16", "end": "2026-11-22"},
                        "received": {"total": 23, "change": {"now": 23, "before": 19, "delta": 4}},
                        "overdue": [{"tracking_number": "DHK-2026-000098", "unit": "综治中心", "days": 3}],
                    },
                },
            )
        ],
    ),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticated, ReadsReports]

    def get_queryset(self):
        reports = snapshots_visible_to(self.request.user).select_related("town")
        if self.action == "list":
            reports = reports.defer("figures")
            kind = self.request.query_params.get("kind")
            if kind in ReportSnapshot.Kind.values:
                reports = reports.filter(kind=kind)
        return reports.order_by("-period_start", "kind", "id")

    def get_serializer_class(self):
        return ReportDetailOut if self.action == "retrieve" else ReportOut
