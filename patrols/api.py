"""Patrols and risks in the API (/api/v1/), with the same scope helpers and services as the pages."""

from __future__ import annotations

import uuid

from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

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


class RiskIn(serializers.Serializer):
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    found_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Risk.Kind.choices)
    level = serializers.ChoiceField(choices=Risk.Level.choices)
    place = serializers.CharField(max_length=200)
    parties = serializers.CharField(max_length=200)
    description = serializers.CharField()


class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PatrolOut

    def get_queryset(self):
        return patrols_visible_to(self.request.user).select_related("village", "grid", "worker")

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


class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RiskOut

    def get_queryset(self):
        return risks_visible_to(self.request.user).select_related("village", "grid", "petition", "mediation_case")

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
