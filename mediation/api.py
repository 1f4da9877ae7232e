"""The mediation REST API (/api/v1/). Same scope helpers, selectors and services as the pages;
each lifecycle action is its own POST endpoint, validated by the same form as on the page."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.api import IDEMPOTENCY_HEADER, error_response, errors
from core.services import AlreadyApplied, idempotency_claim
from mediation import selectors, services
from mediation.actions import ACTIONS, agreement_of, allowed_actions
from mediation.models import (
    Agreement,
    AgreementTerm,
    CaseEvent,
    MediationCase,
    MediationRoom,
    MediationSession,
    RoomMember,
)
from mediation.permissions import (
    get_case_for_user,
    get_room_for_user,
    mediation_cases_visible_to,
    rooms_visible_to,
)
from mediation.states import DisputeKind, PartyRole, RiskLevel, Source, State
from petitions.permissions import petitions_visible_to


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


# --- Output shapes ------------------------------------------------------------------------


class MemberOut(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone")

    class Meta:
        model = RoomMember
        fields = ["id", "name", "kind", "is_chair", "gender", "phone", "term_start", "term_end", "duty", "commitment"]


class RoomListOut(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.short_name")

    class Meta:
        model = MediationRoom
        fields = ["id", "name", "village", "village_name", "address", "opening_hours", "phone"]


class RoomDetailOut(RoomListOut):
    members = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta(RoomListOut.Meta):
        fields = [*RoomListOut.Meta.fields, "members", "warnings"]

    def get_members(self, room) -> list[dict]:
        return MemberOut(selectors.room_members(room), many=True).data

    def get_warnings(self, room) -> list[str]:
        return [str(w) for w in selectors.room_composition_warnings(room)]


class CaseListOut(serializers.ModelSerializer):
    room = serializers.IntegerField(source="room_id")
    room_name = serializers.CharField(source="room.name")
    petition = serializers.CharField(source="petition.tracking_number", default=None)
    police_flagged = serializers.BooleanField()

    class Meta:
        model = MediationCase
        fields = [
            "tracking_number",
            "room",
            "room_name",
            "source",
            "petition",
            "dispute_kind",
            "risk_level",
            "summary",
            "state",
            "police_flagged",
            "registered_at",
            "closed_at",
            "version",
        ]


class PartyOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField(source="masked_name")
    phone = serializers.CharField(source="masked_phone")
    id_number = serializers.CharField(source="masked_id_number")


class SessionOut(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.display_name", default=None)

    class Meta:
        model = MediationSession
        fields = ["held_at", "place", "present", "record", "agreed", "recorded_by"]


class TermOut(serializers.ModelSerializer):
    party = serializers.IntegerField(source="party_id", default=None)

    class Meta:
        model = AgreementTerm
        fields = ["id", "text", "party", "due", "performance", "checked_at", "check_note"]


class AgreementOut(serializers.ModelSerializer):
    items = TermOut(many=True)

    class Meta:
        model = Agreement
        fields = [
            "facts",
            "terms",
            "unresolved",
            "performance_method",
            "performance_deadline",
            "signed_at",
            "judicial_confirmation_due",
            "court_result",
            "court_applied_on",
            "court_result_at",
            "court_name",
            "items",
        ]


class EventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None)

    class Meta:
        model = CaseEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]


class CaseDetailOut(CaseListOut):
    parties = PartyOut(many=True)
    mediators = serializers.SerializerMethodField()
    sessions = SessionOut(many=True)
    agreement = serializers.SerializerMethodField()
    events = EventOut(many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseListOut.Meta):
        fields = [
            *CaseListOut.Meta.fields,
            "facts",
            "invited_helpers",
            "mediators_chosen_by_parties",
            "police_flagged_at",
            "police_flag_reason",
            "outcome_note",
            "parties",
            "mediators",
            "sessions",
            "agreement",
            "events",
            "allowed_actions",
        ]

    def get_mediators(self, case) -> list[dict]:
        return [{"id": m.pk, "name": m.name} for m in case.mediators.all()]

    def get_agreement(self, case) -> dict | None:
        agreement = agreement_of(case)
        return AgreementOut(agreement).data if agreement is not None else None

    def get_allowed_actions(self, case) -> list[str]:
        return allowed_actions(self.context["request"].user, case)


# --- Input shapes ---------------------------------------------------------------------------


class PartyIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=PartyRole.choices)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CaseIn(serializers.Serializer):
    room = serializers.IntegerField()
    source = serializers.ChoiceField(choices=Source.choices)
    petition = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    dispute_kind = serializers.ChoiceField(choices=DisputeKind.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.LOW)
    summary = serializers.CharField(max_length=100)
    facts = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    parties = PartyIn(many=True)
    mediators = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    mediators_chosen_by_parties = serializers.BooleanField(default=False)
    invited_helpers = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate_parties(self, rows):
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


ROOM_EXAMPLE = {
    "id": 1,
    "name": "东河口村人民调解委员会",
    "village": "341502105201",
    "village_name": "东河口村",
    "address": "东河口村党群服务中心二楼",
    "opening_hours": "周一至周五 8:30-17:30",
    "phone": "0564-1234567",
}
CASE_ROW_EXAMPLE = {
    "tracking_number": "DHK-TJ-2026-000031",
    "room": 1,
    "room_name": "东河口村人民调解委员会",
    "source": "walk_in",
    "petition": None,
    "dispute_kind": "neighbours",
    "risk_level": "medium",
    "summary": "宅基地边界纠纷",
    "state": "in_mediation",
    "police_flagged": False,
    "registered_at": "2026-11-18T10:00:00+08:00",
    "closed_at": None,
    "version": 2,
}
CASE_DETAIL_EXAMPLE = {
    **CASE_ROW_EXAMPLE,
    "facts": "两户因宅基地边界发生争执。",
    "invited_helpers": "",
    "mediators_chosen_by_parties": False,
    "police_flagged_at": None,
    "police_flag_reason": "",
    "outcome_note": "",
    "parties": [
        {"id": 1, "role": "applicant", "name": "刘*", "phone": "138****1234", "id_number": "110105********002X"},
        {"id": 2, "role": "respondent", "name": "欧阳**", "phone": "", "id_number": ""},
    ],
    "mediators": [{"id": 3, "name": "孙德"}],
    "sessions": [],
    "agreement": None,
    "events": [],
    "allowed_actions": ["session", "withdraw", "flag_police", "note"],
}


@extend_schema_view(
    list=extend_schema(
        summary="调解室列表",
        description="调解员只看到本村调解室；镇级人员看到全部。",
        examples=[OpenApiExample("调解室", value=[ROOM_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(
        summary="调解室详情",
        description="调解室及在任调解员（电话已脱敏），以及按法律要求的人员组成提示。",
    ),
)
class MediationRoomViewSet(viewsets.ReadOnlyModelViewSet):
    """The mediation rooms the caller may see; the detail lists the serving members (phones
    masked) and the law's composition warnings."""

    pagination_class = None

    def get_queryset(self):
        return rooms_visible_to(self.request.user).select_related("village")

    def get_serializer_class(self):
        return RoomDetailOut if self.action == "retrieve" else RoomListOut


@extend_schema_view(
    list=extend_schema(
        summary="调解案件列表",
        description="当前用户可见的调解案件，新的在前。`room`（调解室编号）、`state` 筛选。",
        parameters=[
            OpenApiParameter("room", int, description="调解室编号"),
            OpenApiParameter("state", str, enum=State.values, description="案件状态"),
        ],
        examples=[
            OpenApiExample(
                "调解案件",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [CASE_ROW_EXAMPLE]},
            )
        ],
    ),
    retrieve=extend_schema(
        summary="调解案件详情",
        description="当事人（已脱敏）、调解员、调解记录、协议和案件记录，以及当前用户可以执行的动作。",
        examples=[OpenApiExample("调解案件", value=CASE_DETAIL_EXAMPLE, response_only=True)],
    ),
)
class MediationCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mediation cases the caller may see, newest first. Filters: room (id), state."""

    lookup_field = "tracking_number"
    lookup_value_regex = "[A-Z]{2,6}-TJ-[0-9]{4}-[0-9]{6}"

    def get_queryset(self):
        cases = mediation_cases_visible_to(self.request.user).select_related("room", "petition")
        room = self.request.query_params.get("room", "")
        if room.isdigit():
            cases = cases.filter(room_id=int(room))
        state = self.request.query_params.get("state")
        if state in State.values:
            cases = cases.filter(state=state)
        return cases

    def get_serializer_class(self):
        return CaseDetailOut if self.action == "retrieve" else CaseListOut

    def get_object(self):
        return selectors.case_detail(self.request.user, self.kwargs["tracking_number"])

    def _detail(self, request, number: str) -> dict:
        case = selectors.case_detail(request.user, number)
        return CaseDetailOut(case, context={"request": request}).data

    @extend_schema(
        summary="登记纠纷",
        description="在一个调解室登记纠纷。请求头带 `Idempotency-Key`（UUID），重试时返回第一次登记的案件。",
        request=CaseIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: CaseDetailOut, 200: CaseDetailOut, **errors(400, 403, 404)},
        examples=[
            OpenApiExample(
                "登记纠纷",
                request_only=True,
                value={
                    "room": 1,
                    "source": "walk_in",
                    "dispute_kind": "neighbours",
                    "risk_level": "medium",
                    "summary": "宅基地边界纠纷",
                    "facts": "两户因宅基地边界发生争执。",
                    "parties": [
                        {"name": "刘芳", "role": "applicant", "phone": "138-1234-1234"},
                        {"name": "欧阳建国", "role": "respondent"},
                    ],
                },
            )
        ],
    )
    def create(self, request):
        """Register a dispute. Send an `Idempotency-Key` header (a UUID) so a retried request
        returns the first case instead of registering a second."""
        incoming = CaseIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        token = request.headers.get("Idempotency-Key")
        try:
            client_token = uuid.UUID(token) if token else None
        except ValueError:
            return error_response("invalid", _("Idempotency-Key must be a UUID."), 400)
        room = get_room_for_user(request.user, data["room"])
        existing = MediationCase.objects.filter(client_token=client_token).first() if client_token else None
        if existing is not None:
            return Response(self._detail(request, get_case_for_user(request.user, existing.pk).tracking_number))
        petition = None
        if data["petition"]:
            number = data["petition"].strip().upper()
            petition = petitions_visible_to(request.user).filter(tracking_number=number).first()
            if petition is None:
                return error_response(
                    "invalid",
                    _("The input is not valid."),
                    400,
                    {"petition": [_("No petition with this tracking number.")]},
                )
        members = {m.pk: m for m in RoomMember.objects.filter(room=room, pk__in=data["mediators"])}
        if len(members) != len(set(data["mediators"])):
            return error_response(
                "invalid", _("The input is not valid."), 400, {"mediators": [_("Choose members of this room.")]}
            )
        case = services.mediation_case_register(
            room=room,
            actor=request.user,
            source=data["source"],
            dispute_kind=data["dispute_kind"],
            risk_level=data["risk_level"],
            summary=data["summary"],
            facts=data["facts"],
            parties=[services.PartyInput(**row) for row in data["parties"]],
            petition=petition,
            mediators=[members[pk] for pk in data["mediators"]],
            mediators_chosen_by_parties=data["mediators_chosen_by_parties"],
            invited_helpers=data["invited_helpers"],
            client_token=client_token,
        )
        return Response(self._detail(request, case.tracking_number), status=201)

    @extend_schema(
        summary="执行调解动作",
        description="对调解案件执行一个动作（`action_name`），请求体为该动作的字段（与案件页面相同，不带前缀）"
        "加上 `version`（读取时的版本，过期返回 409）。",
        parameters=[
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=list(ACTIONS), description="动作名"),
            IDEMPOTENCY_HEADER,
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: CaseDetailOut, **errors(400, 403, 404, 409)},
        examples=[
            OpenApiExample("添加备注", request_only=True, value={"version": 2, "text": "双方同意下周再调。"}),
        ],
    )
    @route(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, tracking_number=None, action_name=None):
        """Run one lifecycle action. Body: the action's fields (as on the case page, without
        a prefix) plus `version`, the case version the caller last saw (a stale one is
        refused with 409). An `Idempotency-Key` header (or `client_token`) makes a retry apply once."""
        spec = ACTIONS.get(action_name)
        if spec is None:
            raise NotFound()
        case = self.get_object()
        form = spec.form(request.data, case=case)
        if not form.is_valid():
            return error_response("invalid", _("The input is not valid."), 400, form.errors.get_json_data())
        key = form.cleaned_data.get("client_token") or _uuid_or_none(request.headers.get("Idempotency-Key"))
        try:
            with transaction.atomic():
                idempotency_claim(key=key, user=request.user)
                spec.run(case=case, actor=request.user, data=form.cleaned_data)
        except AlreadyApplied:
            pass  # a retry of a request that was applied: answer with the case as it is
        return Response(self._detail(request, case.tracking_number))
