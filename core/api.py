"""Villages, grids and the user's notifications in the API (/api/v1/), scoped by the same
helpers as the pages (core.permissions.villages_visible_to; a user's own inbox)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from config.api import errors
from core.models import Grid, Notification, Village
from core.notifications import notification_mark_read, notifications_mark_all_read
from core.permissions import villages_visible_to

# --- Villages and grids ----------------------------------------------------------------------


class GridOut(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code")

    class Meta:
        model = Grid
        fields = ["id", "village", "number", "name", "area"]


class VillageGridOut(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "number", "name", "area"]


class VillageOut(serializers.ModelSerializer):
    short_name = serializers.CharField()
    grid_count = serializers.IntegerField()

    class Meta:
        model = Village
        fields = ["code", "name", "short_name", "kind", "grid_count"]


class VillageDetailOut(VillageOut):
    grids = VillageGridOut(many=True)

    class Meta(VillageOut.Meta):
        fields = [*VillageOut.Meta.fields, "grids"]


VILLAGE_EXAMPLE = {
    "code": "341502105201",
    "name": "东河口村委会",
    "short_name": "东河口村",
    "kind": "village",
    "grid_count": 4,
}


@extend_schema_view(
    list=extend_schema(
        summary="村（社区）列表",
        description="村级人员只看到本村；镇级人员看到本镇所有村（社区）。code 是 12 位统计用区划代码。",
        examples=[OpenApiExample("村列表", value=[VILLAGE_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(
        summary="一个村（社区）及其网格",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="12 位区划代码")],
        examples=[
            OpenApiExample(
                "村及网格",
                response_only=True,
                value={**VILLAGE_EXAMPLE, "grids": [{"id": 1, "number": 1, "name": "第一网格", "area": "一组、二组"}]},
            )
        ],
    ),
)
class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[0-9]{12}"
    pagination_class = None

    def get_queryset(self):
        villages = villages_visible_to(self.request.user).annotate(grid_count=Count("grids")).order_by("code")
        if self.action == "retrieve":
            villages = villages.prefetch_related(Prefetch("grids", queryset=Grid.objects.order_by("number")))
        return villages

    def get_serializer_class(self):
        return VillageDetailOut if self.action == "retrieve" else VillageOut


@extend_schema_view(
    list=extend_schema(
        summary="网格列表",
        description="可见村（社区）的网格；`village` 参数按村代码筛选。",
        parameters=[OpenApiParameter("village", str, description="村（社区）12 位区划代码")],
        examples=[
            OpenApiExample(
                "网格",
                response_only=True,
                value=[{"id": 1, "village": "341502105201", "number": 1, "name": "第一网格", "area": "一组、二组"}],
            )
        ],
    ),
    retrieve=extend_schema(summary="一个网格"),
)
class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridOut
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        grids = Grid.objects.filter(village__in=villages_visible_to(self.request.user)).select_related("village")
        village = self.request.query_params.get("village")
        if self.action == "list" and village:
            grids = grids.filter(village__code=village)
        return grids.order_by("village__code", "number")


# --- Notifications ---------------------------------------------------------------------------


class NotificationOut(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]

    def get_read(self, note) -> bool:
        return note.read_at is not None


NOTIFICATION_EXAMPLE = {
    "id": 41,
    "kind": "deadline",
    "title": "DHK-2026-000123 即将到期",
    "body": "邻居建房侵占地界：办理期限 2026-12-04。",
    "url": "/petitions/DHK-2026-000123/",
    "created_at": "2026-12-01T05:30:00+08:00",
    "read_at": None,
    "read": False,
}


@extend_schema_view(
    list=extend_schema(
        summary="我的通知",
        description="当前用户收到的通知，新的在前；`unread=true` 只列未读的。",
        parameters=[OpenApiParameter("unread", bool, description="只列未读通知")],
        examples=[
            OpenApiExample(
                "通知",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [NOTIFICATION_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(summary="一条通知"),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationOut
    filter_backends: list = []

    def get_queryset(self):
        notes = Notification.objects.filter(recipient_id=self.request.user.pk).order_by("-created_at", "-id")
        if self.action == "list" and self.request.query_params.get("unread") in ("true", "1"):
            notes = notes.filter(read_at__isnull=True)
        return notes

    @extend_schema(
        summary="标为已读",
        description="把自己的一条通知标为已读（已读的再标一次无变化）。",
        request=None,
        responses={200: NotificationOut, **errors(404)},
        examples=[
            OpenApiExample(
                "已读",
                response_only=True,
                value={**NOTIFICATION_EXAMPLE, "read_at": "2026-12-01T08:02:00+08:00", "read": True},
            )
        ],
    )
    @route(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        notification_mark_read(user=request.user, notification_id=note.pk)
        note.refresh_from_db(fields=["read_at"])
        return Response(NotificationOut(note).data)

    @extend_schema(
        summary="全部标为已读",
        description="把自己的全部未读通知标为已读，返回标记的条数。",
        request=None,
        responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})},
        examples=[OpenApiExample("结果", response_only=True, value={"marked": 3})],
    )
    @route(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})
