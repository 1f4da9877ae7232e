"""Patrols and risks in the API (/api/v1/), with the same scope helpers and services as the pages."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from config.api import IDEMPOTENCY_HEADER, errors
from core.models import Grid
from patrols import services
from patrols.models import Patrol, Risk
from patrols.permissions import can_record, patrols_visible_to, risks_visible_to


def _token(request) -> uuid.UUID | None:
    value = request.headers.get("Idempotency-Key")
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class PatrolOut(serializers.ModelSerializer):
    village = serializers.CharField(source="village.short_name")
    grid = serializers.CharField(source="grid.name")
    worker = serializers.CharField(source="worker.display_name")

    class Meta:
        model = Patrol
        fields = ["id", "village", "grid", "worker", "day", "route", "residents_met", "policy_explained", "findings"]


class PatrolIn(serializers.Serializer):
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    day = serializers.DateField()
    route = serializers.CharField(max_length=200)
    residents_met = serializers.IntegerField(min_value=0, default=0)
    policy_explained = serializers.CharField(required=False, allow_blank=True, default="")
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class RiskOut(serializers.ModelSerializer):
    village = serializers.CharField(source="village.short_name")
    grid = serializers.CharField(source="grid.name")
    petition = serializers.CharField(source="petition.tracking_number", default=None)
    mediation_case = serializers.CharField(source="mediation_case.tracking_number", default=None)

    class Meta:
        model = Risk
        fields = [
            "id", "village", "grid", "found_on", "kind", "level", "place", "parties", "description",
            "state", "outcome", "petition", "mediation_case",
        ]  # fmt: skip


class RiskStepIn(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, help_text="resolve：如何化解的。")
    applicant = serializers.CharField(required=False, allow_blank=True, help_text="mediation：申请人。")
    respondent = serializers.CharField(required=False, allow_blank=True, help_text="mediation：被申请人。")


class RiskIn(serializers.Serializer):
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    found_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Risk.Kind.choices)
    level = serializers.ChoiceField(choices=Risk.Level.choices)
    place = serializers.CharField(max_length=200)
    parties = serializers.CharField(max_length=200)
    description = serializers.CharField()


PATROL_EXAMPLE = {
    "id": 8,
    "village": "东河口村",
    "grid": "第一网格",
    "worker": "张强",
    "day": "2026-11-20",
    "route": "一组到三组",
    "residents_met": 5,
    "policy_explained": "讲解秸秆禁烧政策。",
    "findings": "三组排水沟堵塞。",
}
RISK_EXAMPLE = {
    "id": 4,
    "village": "东河口村",
    "grid": "第一网格",
    "found_on": "2026-11-20",
    "kind": "land",
    "level": "low",
    "place": "三组",
    "parties": "张某与李某",
    "description": "地界争议",
    "state": "open",
    "outcome": "",
    "petition": None,
    "mediation_case": None,
}


@extend_schema_view(
    list=extend_schema(
        summary="巡查日志",
        description="村级人员和调解员：本村；镇级人员：全镇。",
        examples=[
            OpenApiExample(
                "巡查日志",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [PATROL_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(summary="一条巡查日志"),
)
class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PatrolOut

    def get_queryset(self):
        return patrols_visible_to(self.request.user).select_related("village", "grid", "worker")

    @extend_schema(
        summary="记录巡查",
        description="网格员、村信访代理员在本村网格记录一次巡查。带 `Idempotency-Key`（UUID）重试不会重复记录。",
        request=PatrolIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: PatrolOut, 200: PatrolOut},
        examples=[
            OpenApiExample(
                "巡查",
                request_only=True,
                value={"grid": 1, "day": "2026-11-20", "route": "一组到三组", "residents_met": 5},
            )
        ],
    )
    def create(self, request):
        """Log a patrol. Send an `Idempotency-Key` (UUID) so a retry does not log it twice."""
        if not can_record(request.user):
            raise PermissionDenied()
        incoming = PatrolIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        patrol, created = services.patrol_log(
            worker=request.user, client_token=_token(request), **incoming.validated_data
        )
        return Response(PatrolOut(patrol).data, status=201 if created else 200)


@extend_schema_view(
    list=extend_schema(
        summary="矛盾隐患",
        description="村级人员和调解员：本村；镇级人员：全镇。",
        examples=[
            OpenApiExample(
                "矛盾隐患",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [RISK_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(summary="一条矛盾隐患"),
)
class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RiskOut

    def get_queryset(self):
        return risks_visible_to(self.request.user).select_related("village", "grid", "petition", "mediation_case")

    @extend_schema(
        summary="上报矛盾隐患",
        description="网格员、村信访代理员上报矛盾纠纷或隐患；高风险的立即通知本村和镇里。",
        request=RiskIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: RiskOut, 200: RiskOut},
        examples=[
            OpenApiExample(
                "上报",
                request_only=True,
                value={
                    "grid": 1,
                    "found_on": "2026-11-20",
                    "kind": "safety",
                    "level": "low",
                    "place": "桥头",
                    "parties": "—",
                    "description": "栏杆松动",
                },
            )
        ],
    )
    def create(self, request):
        """Report a dispute or risk; a high one alerts the village and the town at once."""
        if not can_record(request.user):
            raise PermissionDenied()
        incoming = RiskIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        risk, created = services.risk_report(
            reporter=request.user, client_token=_token(request), **incoming.validated_data
        )
        return Response(RiskOut(risk).data, status=201 if created else 200)

    @extend_schema(
        summary="处理矛盾隐患",
        description="`resolve`：当场化解（outcome）；`petition`：转为诉求；`mediation`：转村调解室（applicant、respondent）。",
        parameters=[
            OpenApiParameter("step", str, OpenApiParameter.PATH, enum=["resolve", "petition", "mediation"]),
        ],
        request=RiskStepIn,
        responses={200: RiskOut, **errors(400, 403, 404, 409)},
        examples=[OpenApiExample("当场化解", request_only=True, value={"outcome": "已加固栏杆。"})],
    )
    @route(detail=True, methods=["post"], url_path=r"actions/(?P<step>[a-z]+)")
    def act(self, request, pk=None, step=None):
        """`resolve` (outcome), `petition`, or `mediation` (applicant, respondent)."""
        risk = self.get_object()
        data = request.data
        if step == "resolve":
            risk = services.risk_resolve(risk=risk, actor=request.user, outcome=str(data.get("outcome", "")))
        elif step == "petition":
            risk = services.risk_to_petition(risk=risk, actor=request.user)
        elif step == "mediation":
            risk = services.risk_to_mediation(
                risk=risk,
                actor=request.user,
                applicant=str(data.get("applicant", "")),
                respondent=str(data.get("respondent", "")),
            )
        else:
            raise NotFound()
        fresh = self.get_queryset().get(pk=risk.pk)
        return Response(RiskOut(fresh).data)
