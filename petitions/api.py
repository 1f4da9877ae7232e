"""The petitions REST API (/api/v1/). Same scope helper, filters and services as the pages;
each lifecycle action is its own POST endpoint, validated by the same form as on the page."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from config.api import error_response
from core.models import Grid, Village
from core.services import AlreadyApplied, idempotency_claim
from petitions import selectors, services
from petitions.actions import ACTIONS
from petitions.filters import PetitionFilter
from petitions.models import Category, HandlingUnit, Petition, TimelineEntry
from petitions.permissions import can_act, can_register, petitions_visible_to
from petitions.selectors import LIST_RELATED
from petitions.states import Channel, Kind, Origin
from petitions.transitions import allowed_targets


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


# --- Output shapes ------------------------------------------------------------------------


class PetitionListOut(serializers.ModelSerializer):
    category = serializers.StringRelatedField()
    village = serializers.CharField(source="village.short_name", default=None)
    unit = serializers.CharField(source="unit.name", default=None)
    responsible_leader = serializers.CharField(source="responsible_leader.display_name", default=None)

    class Meta:
        model = Petition
        fields = [
            "tracking_number",
            "title",
            "state",
            "channel",
            "origin",
            "kind",
            "category",
            "village",
            "unit",
            "responsible_leader",
            "registered_at",
            "next_due",
            "version",
        ]


class PetitionerOut(serializers.Serializer):
    name = serializers.CharField(source="petitioner.masked_name")
    phone = serializers.CharField(source="petitioner.masked_phone")
    id_number = serializers.CharField(source="petitioner.masked_id_number")
    is_representative = serializers.BooleanField()


class TimelineOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None)

    class Meta:
        model = TimelineEntry
        fields = ["at", "actor", "action", "from_state", "to_state", "note", "public"]


class PetitionDetailOut(PetitionListOut):
    petitioners = PetitionerOut(source="links", many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(PetitionListOut.Meta):
        fields = [
            *PetitionListOut.Meta.fields,
            "content",
            "request",
            "upstream_reference",
            "upstream_due",
            "anonymous",
            "headcount",
            "is_collective",
            "is_repeat",
            "is_skip_level",
            "is_key_matter",
            "is_public_interest",
            "route_due",
            "notify_due",
            "notified_at",
            "handle_due",
            "extension_days",
            "outcome",
            "reply_text",
            "satisfaction",
            "petitioners",
            "allowed_actions",
        ]

    def get_allowed_actions(self, petition) -> list[str]:
        user = self.context["request"].user
        return [a for a in ACTIONS if allowed_targets(a, petition.state) and can_act(user, petition, a)]


# --- Input shapes ---------------------------------------------------------------------------


class PetitionerIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_representative = serializers.BooleanField(default=False)


class PetitionIn(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    origin = serializers.ChoiceField(choices=Origin.choices, default=Origin.DIRECT)
    upstream_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    upstream_due = serializers.DateField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(active=True))
    village = serializers.SlugRelatedField(slug_field="code", queryset=Village.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=5000)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    oral = serializers.BooleanField(default=False)
    anonymous = serializers.BooleanField(default=False)
    headcount = serializers.IntegerField(min_value=1, default=1)
    petitioners = PetitionerIn(many=True, required=False, default=list)

    def validate_petitioners(self, rows):
        from core.identity import normalize_id_number, normalize_phone, validate_id_number, validate_phone

        for row in rows:
            if row["phone"]:
                validate_phone(row["phone"])
                row["phone"] = normalize_phone(row["phone"])
            if row["id_number"]:
                validate_id_number(row["id_number"])
                row["id_number"] = normalize_id_number(row["id_number"])
        return rows


# --- Endpoints ----------------------------------------------------------------------------------


class PetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Petitions the caller may see. Filters: the same as the case list (state, light, origin,
    channel, kind, category, village, grid, unit, responsible_leader, registered_from/to,
    flag, q, sort)."""

    lookup_field = "tracking_number"
    lookup_value_regex = "[A-Z]{2,6}-[0-9]{4}-[0-9]{6}"
    filterset_class = PetitionFilter

    def get_queryset(self):
        petitions = petitions_visible_to(self.request.user).select_related(*LIST_RELATED)
        if self.action == "retrieve":
            petitions = petitions.prefetch_related("links__petitioner")
        return petitions

    def get_serializer_class(self):
        return PetitionDetailOut if self.action == "retrieve" else PetitionListOut

    def create(self, request):
        """Register a petition. Send an `Idempotency-Key` header (a UUID) so a retried request
        returns the first petition instead of making a second."""
        if not can_register(request.user):
            raise PermissionDenied()
        incoming = PetitionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        token = request.headers.get("Idempotency-Key")
        try:
            client_token = uuid.UUID(token) if token else None
        except ValueError:
            return error_response("invalid", _("Idempotency-Key must be a UUID."), 400)
        result = services.petition_register(
            town=request.user.town,
            actor=request.user,
            channel=data["channel"],
            origin=data["origin"],
            upstream_reference=data["upstream_reference"],
            upstream_due=data["upstream_due"],
            kind=data["kind"],
            category=data["category"],
            village=data.get("village"),
            grid=data.get("grid"),
            title=data["title"],
            content=data["content"],
            request=data["request"],
            oral=data["oral"],
            anonymous=data["anonymous"],
            headcount=data["headcount"],
            petitioners=[services.PetitionerInput(**row) for row in data["petitioners"]],
            client_token=client_token,
        )
        petition = selectors.petition_detail(user=request.user, tracking_number=result.petition.tracking_number)
        body = PetitionDetailOut(petition, context={"request": request}).data
        body["query_code"] = petition.query_code
        return Response(body, status=201 if result.created else 200)

    @route(detail=True, methods=["get"])
    def timeline(self, request, tracking_number=None):
        petition = self.get_object()
        entries = petition.timeline.select_related("actor")
        return Response(TimelineOut(entries, many=True).data)

    @route(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, tracking_number=None, action_name=None):
        """Run one lifecycle action. Body: the action's fields plus `version`, the petition
        version the caller last saw (a stale one is refused with 409)."""
        spec = ACTIONS.get(action_name)
        if spec is None:
            raise NotFound()
        petition = self.get_object()
        form = spec.form(request.data, request.FILES, petition=petition)
        if not form.is_valid():
            return error_response("invalid", _("The input is not valid."), 400, form.errors.get_json_data())
        key = form.cleaned_data.get("client_token") or _uuid_or_none(request.headers.get("Idempotency-Key"))
        try:
            with transaction.atomic():
                idempotency_claim(key=key, user=request.user)
                spec.run(petition=petition, actor=request.user, data=form.cleaned_data)
        except AlreadyApplied:
            pass  # a retry of a request that was applied: answer with the petition as it is
        fresh = self.get_queryset().prefetch_related("links__petitioner").get(pk=petition.pk)
        return Response(PetitionDetailOut(fresh, context={"request": request}).data)


class CategoryOut(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "parent"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(active=True).select_related("parent")
    serializer_class = CategoryOut
    lookup_field = "code"
    pagination_class = None


class UnitOut(serializers.ModelSerializer):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "kind", "village"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitOut
    pagination_class = None

    def get_queryset(self):
        return HandlingUnit.objects.filter(town_id=self.request.user.town_id, active=True).select_related("village")
