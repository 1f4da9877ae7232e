"""Assignments from above (上级交办): a higher authority's system hands a case down and reads
back what became of it. Idempotent on the upstream reference: the same reference again
returns the case already registered (200), never a second one (a unique constraint per
town backs this up when two deliveries race)."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.api import error_response, errors
from core.models import Village
from petitions import services
from petitions.api import PetitionerIn, clean_petitioners
from petitions.errors import DuplicateUpstreamReference
from petitions.models import Category, Petition
from petitions.permissions import can_register, petitions_visible_to
from petitions.states import Channel, Kind, Origin


class AssignmentIn(serializers.Serializer):
    upstream_reference = serializers.CharField(max_length=60, help_text="上级平台的交办编号（同一编号只登记一次）。")
    upstream_due = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="上级要求的办结期限；早于 60 日时以此为准。"
    )
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.GRIEVANCE)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(active=True), help_text="问题类别代码（见 categories）。"
    )
    village = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Village.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="村（社区）12 位代码（见 villages）。",
    )
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=5000)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=False)
    headcount = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    petitioners = PetitionerIn(many=True, required=False, default=list)

    def validate_upstream_reference(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("A petition assigned from above needs the upstream reference."))
        return value

    def validate_petitioners(self, rows):
        return clean_petitioners(rows)


class ReplyOut(serializers.Serializer):
    outcome = serializers.CharField()
    text = serializers.CharField(source="reply_text")
    replied_at = serializers.DateTimeField()


class RatingOut(serializers.Serializer):
    satisfaction = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)


class AssignmentOut(serializers.ModelSerializer):
    deadline = serializers.SerializerMethodField(help_text="办结期限：受理后为办理期限，之前为上级要求的期限。")
    reply = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "upstream_reference",
            "tracking_number",
            "state",
            "registered_at",
            "upstream_due",
            "deadline",
            "next_due",
            "extension_days",
            "reply",
            "rating",
            "closed_at",
            "version",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_deadline(self, petition) -> str | None:
        due = petition.handle_due or petition.upstream_due
        return due.isoformat() if due else None

    @extend_schema_field(ReplyOut(allow_null=True))
    def get_reply(self, petition) -> dict | None:
        return ReplyOut(petition).data if petition.replied_at else None

    @extend_schema_field(RatingOut(allow_null=True))
    def get_rating(self, petition) -> dict | None:
        return RatingOut(petition).data if petition.satisfaction else None


ASSIGNMENT_REQUEST = {
    "upstream_reference": "LA-20261120-118",
    "upstream_due": "2026-12-20",
    "kind": "grievance",
    "category": "neighbours-boundary",
    "village": "341502105201",
    "title": "群众反映邻居建房侵占地界",
    "content": "区信访平台转来：东河口村三组刘某反映邻居新建院墙越过地界约半米，协商未果。",
    "request": "请求调查并恢复原地界。",
    "petitioners": [{"name": "刘芳", "phone": "13812341234"}],
}
ASSIGNMENT_RESPONSE = {
    "upstream_reference": "LA-20261120-118",
    "tracking_number": "DHK-2026-000124",
    "state": "replied",
    "registered_at": "2026-11-20T09:12:00+08:00",
    "upstream_due": "2026-12-20",
    "deadline": "2026-12-20",
    "next_due": None,
    "extension_days": 0,
    "reply": {
        "outcome": "supported",
        "text": "经实地测量，院墙越界，已协调拆除。",
        "replied_at": "2026-12-02T16:40:00+08:00",
    },
    "rating": {"satisfaction": "satisfied", "rated_at": "2026-12-03T10:00:00+08:00"},
    "closed_at": None,
    "version": 5,
}
REFERENCE = OpenApiParameter("upstream_reference", str, OpenApiParameter.PATH, description="上级平台的交办编号")


@extend_schema_view(
    list=extend_schema(
        summary="上级交办事项列表",
        description="当前用户可见的上级交办诉求（有上级交办编号的），新的在前。",
    ),
    retrieve=extend_schema(
        summary="查询上级交办事项办理情况",
        description="按上级交办编号读回办理情况：状态、期限、答复（结果、内容、时间）和群众评价。不含诉求人个人信息。",
        parameters=[REFERENCE],
        examples=[OpenApiExample("已答复", value=ASSIGNMENT_RESPONSE, response_only=True)],
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AssignmentOut
    lookup_field = "upstream_reference"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return petitions_visible_to(self.request.user).exclude(upstream_reference="").order_by("-registered_at", "-id")

    @extend_schema(
        summary="上级交办（登记）",
        description="上级平台交办一件诉求：登记为“上级交办”（渠道：上级平台），带上级交办编号和期限。"
        "**按交办编号幂等**：同一编号再次提交返回已登记的那一件（200），不会重复登记；首次登记返回 201。",
        request=AssignmentIn,
        responses={201: AssignmentOut, 200: AssignmentOut, **errors(400, 403, 409)},
        examples=[
            OpenApiExample("区平台交办", value=ASSIGNMENT_REQUEST, request_only=True),
            OpenApiExample(
                "登记结果",
                response_only=True,
                status_codes=["201"],
                value={
                    **ASSIGNMENT_RESPONSE,
                    "state": "registered",
                    "next_due": "2026-12-05",
                    "reply": None,
                    "rating": None,
                    "version": 1,
                },
            ),
        ],
    )
    def create(self, request):
        if not can_register(request.user):
            raise PermissionDenied()
        incoming = AssignmentIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existing = self._existing(request.user, data)
        if existing is not None:
            return existing
        try:
            result = services.petition_register(
                town=request.user.town,
                actor=request.user,
                channel=Channel.PLATFORM,
                origin=Origin.ASSIGNED,
                upstream_reference=data["upstream_reference"],
                upstream_due=data["upstream_due"],
                kind=data["kind"],
                category=data["category"],
                village=data["village"],
                title=data["title"],
                content=data["content"],
                request=data["request"],
                anonymous=data["anonymous"],
                headcount=data["headcount"],
                petitioners=[services.PetitionerInput(**row) for row in data["petitioners"]],
            )
        except (IntegrityError, DuplicateUpstreamReference):
            # Delivered twice: the look-up above missed it (a race), the service or the
            # database's unique constraint caught it; answer with the first case.
            existing = self._existing(request.user, data)
            if existing is None:
                raise
            return existing
        # The petition as stored, not read back through the caller's scope: an accusation
        # registered at the desk is the inspectors' from now on, and its registrar gets this
        # answer once (a repeat delivery answers 409 for it, like any case out of scope).
        return Response(AssignmentOut(result.petition).data, status=201)

    def _existing(self, user, data: dict) -> Response | None:
        petition = Petition.objects.filter(town=user.town, upstream_reference=data["upstream_reference"]).first()
        if petition is None:
            return None
        same = services.same_submission(
            petition,
            actor=user,
            kind=data["kind"],
            category=data["category"],
            village=data["village"] or petition.village,
            title=data["title"],
            content=data["content"],
        )
        if not same or not petitions_visible_to(user).filter(pk=petition.pk).exists():
            return error_response(
                "duplicate_upstream_reference",
                _("A case with this upstream reference is already registered."),
                409,
            )
        return Response(AssignmentOut(petition).data, status=200)
