"""Meetings (with their agenda items and decisions), decisions, supervisions and
accountability records in the API (/api/v1/). The same scope helpers as the pages
(accountability/permissions.py) and the same services (accountability/services.py)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from accountability import services
from accountability.models import AccountabilityRecord, AgendaItem, Decision, Meeting, Supervision
from accountability.permissions import (
    accountability_records_visible_to,
    decisions_visible_to,
    meetings_visible_to,
    supervisions_visible_to,
)
from accountability.states import DecisionState, Level, SupervisionState
from config.api import errors

# --- Output shapes ------------------------------------------------------------------------


class DecisionOut(serializers.ModelSerializer):
    petition = serializers.CharField(source="item.petition.tracking_number")
    meeting = serializers.IntegerField(source="item.meeting_id")
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)
    leader = serializers.CharField(source="leader.display_name", default=None, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "petition",
            "resolution",
            "unit",
            "leader",
            "deadline",
            "state",
            "decided_at",
            "carried_out_at",
            "outcome_note",
        ]


class ItemDecisionOut(DecisionOut):
    class Meta(DecisionOut.Meta):
        fields = [f for f in DecisionOut.Meta.fields if f not in ("meeting", "petition")]


class AgendaItemOut(serializers.ModelSerializer):
    petition = serializers.CharField(source="petition.tracking_number")
    petition_title = serializers.CharField(source="petition.title")
    decision = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "order", "petition", "petition_title", "reason", "note", "decision"]

    @extend_schema_field(ItemDecisionOut(allow_null=True))
    def get_decision(self, item) -> dict | None:
        decision = getattr(item, "decision", None)
        return ItemDecisionOut(decision).data if decision is not None else None


class MeetingOut(serializers.ModelSerializer):
    chair = serializers.CharField(source="chair.display_name", default=None, allow_null=True)
    secretary = serializers.CharField(source="secretary.display_name", default=None, allow_null=True)
    item_count = serializers.IntegerField()
    open_decisions = serializers.IntegerField()

    class Meta:
        model = Meeting
        fields = ["id", "level", "date", "state", "chair", "secretary", "item_count", "open_decisions"]


class MeetingDetailOut(MeetingOut):
    items = AgendaItemOut(many=True)

    class Meta(MeetingOut.Meta):
        fields = [*MeetingOut.Meta.fields, "other_attendees", "minutes", "items"]


class SupervisionOut(serializers.ModelSerializer):
    petition = serializers.CharField(source="petition.tracking_number", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.name")
    opened_by = serializers.CharField(source="opened_by.display_name")

    class Meta:
        model = Supervision
        fields = [
            "id",
            "petition",
            "unit",
            "reason",
            "description",
            "listed",
            "rectify_by",
            "state",
            "opened_by",
            "opened_at",
            "reply",
            "replied_at",
            "result",
            "closed_at",
        ]


class RecordOut(serializers.ModelSerializer):
    person = serializers.CharField(source="person.display_name")
    petitions = serializers.SlugRelatedField(slug_field="tracking_number", many=True, read_only=True)
    supervision = serializers.IntegerField(source="supervision_id", allow_null=True)

    class Meta:
        model = AccountabilityRecord
        fields = ["id", "person", "form", "reason", "decided_on", "petitions", "supervision", "recorded_at"]


class SupervisionReplyIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="被督办单位的书面回复。")


# --- Endpoints ----------------------------------------------------------------------------------

DECISION_EXAMPLE = {
    "id": 5,
    "meeting": 2,
    "petition": "DHK-2026-000123",
    "resolution": "由综治中心牵头，国土所配合，20日内完成测量并答复。",
    "unit": "综治中心",
    "leader": "陈书记",
    "deadline": "2026-12-20",
    "state": "pending",
    "decided_at": "2026-11-28T15:00:00+08:00",
    "carried_out_at": None,
    "outcome_note": "",
}
MEETING_EXAMPLE = {
    "id": 2,
    "level": "town",
    "date": "2026-11-28",
    "state": "held",
    "chair": "陈书记",
    "secretary": "王丽",
    "item_count": 1,
    "open_decisions": 1,
}


@extend_schema_view(
    list=extend_schema(
        summary="联席会议列表",
        description="镇、区信访工作联席会议。窗口、领导、纪检人员看到本镇全部会议；其他人只看到自己参加的。"
        "`level` 按级别筛选（town、district）。",
        parameters=[OpenApiParameter("level", str, enum=Level.values, description="会议级别")],
        examples=[
            OpenApiExample(
                "会议",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [MEETING_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="联席会议详情（议题与决定）",
        description="一次会议的纪要、议题（按顺序）以及每个议题的决定。",
        examples=[
            OpenApiExample(
                "会议详情",
                response_only=True,
                value={
                    **MEETING_EXAMPLE,
                    "other_attendees": "区信访局 李科长",
                    "minutes": "研究东河口村地界纠纷。",
                    "items": [
                        {
                            "id": 9,
                            "order": 1,
                            "petition": "DHK-2026-000123",
                            "petition_title": "邻居建房侵占地界",
                            "reason": "escalated",
                            "note": "",
                            "decision": {k: v for k, v in DECISION_EXAMPLE.items() if k not in ("meeting", "petition")},
                        }
                    ],
                },
            )
        ],
    ),
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends: list = []

    def get_queryset(self):
        meetings = meetings_visible_to(self.request.user).select_related("chair", "secretary")
        level = self.request.query_params.get("level")
        if self.action == "list" and level in Level.values:
            meetings = meetings.filter(level=level)
        meetings = meetings.annotate(
            item_count=Count("items", distinct=True),
            open_decisions=Count(
                "items__decision", filter=Q(items__decision__state=DecisionState.PENDING), distinct=True
            ),
        )
        if self.action == "retrieve":
            items = AgendaItem.objects.select_related("petition", "decision__unit", "decision__leader").order_by(
                "order", "id"
            )
            meetings = meetings.prefetch_related(Prefetch("items", queryset=items))
        return meetings.order_by("-date", "-id")

    def get_serializer_class(self):
        return MeetingDetailOut if self.action == "retrieve" else MeetingOut


@extend_schema_view(
    list=extend_schema(
        summary="联席会议决定",
        description="当前用户可见的会议决定（窗口、领导、纪检：本镇全部；承办单位：本单位承担的；包案领导：自己负责的），"
        "期限近的在前。`state` 按状态筛选。",
        parameters=[OpenApiParameter("state", str, enum=DecisionState.values, description="决定状态")],
        examples=[
            OpenApiExample(
                "决定",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [DECISION_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="一项会议决定", examples=[OpenApiExample("决定", response_only=True, value=DECISION_EXAMPLE)]
    ),
)
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DecisionOut
    filter_backends: list = []

    def get_queryset(self):
        decisions = decisions_visible_to(self.request.user).select_related(
            "item__petition", "item__meeting", "unit", "leader"
        )
        state = self.request.query_params.get("state")
        if self.action == "list" and state in DecisionState.values:
            decisions = decisions.filter(state=state)
        return decisions.order_by("deadline", "id")


SUPERVISION_EXAMPLE = {
    "id": 3,
    "petition": "DHK-2026-000123",
    "unit": "综治中心",
    "reason": "delay",
    "description": "超过办理期限15日仍未答复。",
    "listed": True,
    "rectify_by": "2026-12-10",
    "state": "open",
    "opened_by": "周纪",
    "opened_at": "2026-11-30T09:00:00+08:00",
    "reply": "",
    "replied_at": None,
    "result": "",
    "closed_at": None,
}


@extend_schema_view(
    list=extend_schema(
        summary="督办列表",
        description="纪检人员：本镇全部；领导：除涉及检举控告以外的；承办单位人员：本单位的。`state` 按状态筛选。",
        parameters=[OpenApiParameter("state", str, enum=SupervisionState.values, description="督办状态")],
        examples=[
            OpenApiExample(
                "督办",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [SUPERVISION_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="一项督办", examples=[OpenApiExample("督办", response_only=True, value=SUPERVISION_EXAMPLE)]
    ),
)
class SupervisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SupervisionOut
    filter_backends: list = []

    def get_queryset(self):
        supervisions = supervisions_visible_to(self.request.user).select_related("unit", "petition", "opened_by")
        state = self.request.query_params.get("state")
        if self.action == "list" and state in SupervisionState.values:
            supervisions = supervisions.filter(state=state)
        return supervisions.order_by("-opened_at", "-id")

    @extend_schema(
        summary="被督办单位回复",
        description="被督办单位的人员书面回复督办（待回复 → 已回复）。",
        request=SupervisionReplyIn,
        responses={200: SupervisionOut, **errors(400, 403, 404, 409)},
        examples=[
            OpenApiExample("回复", request_only=True, value={"text": "已于12月5日完成测量，并书面答复诉求人。"}),
            OpenApiExample(
                "已回复",
                response_only=True,
                value={
                    **SUPERVISION_EXAMPLE,
                    "state": "replied",
                    "reply": "已于12月5日完成测量，并书面答复诉求人。",
                    "replied_at": "2026-12-05T17:00:00+08:00",
                },
            ),
        ],
    )
    @route(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        supervision = self.get_object()
        incoming = SupervisionReplyIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.supervision_reply(supervision=supervision, actor=request.user, text=incoming.validated_data["text"])
        return Response(SupervisionOut(self.get_queryset().get(pk=supervision.pk)).data)


RECORD_EXAMPLE = {
    "id": 1,
    "person": "钱办",
    "form": "reminder_talk",
    "reason": "答复超期且未说明理由。",
    "decided_on": "2026-12-12",
    "petitions": ["DHK-2026-000123"],
    "supervision": 3,
    "recorded_at": "2026-12-12T10:00:00+08:00",
}


@extend_schema_view(
    list=extend_schema(
        summary="问责记录",
        description="纪检人员：本镇全部；领导：不涉及检举控告的。其他人没有。",
        examples=[
            OpenApiExample(
                "问责记录",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [RECORD_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="一条问责记录", examples=[OpenApiExample("问责记录", response_only=True, value=RECORD_EXAMPLE)]
    ),
)
class AccountabilityRecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordOut
    filter_backends: list = []

    def get_queryset(self):
        return (
            accountability_records_visible_to(self.request.user)
            .select_related("person")
            .prefetch_related("petitions")
            .order_by("-decided_on", "-id")
        )
