"""The petitions REST API (/api/v1/). Same scope helper, filters and services as the pages.
Each lifecycle action is its own POST endpoint (petitions/api_actions.py); petitioners are
masked unless revealed with a reason (logged); attachments are listed and uploaded here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api import IDEMPOTENCY_HEADER, error_response, errors, form_errors, idempotency_key, invalid
from core.models import Grid, Village
from core.services import AlreadyApplied, idempotency_claim
from petitions import selectors, services
from petitions.actions import ACTIONS
from petitions.api_actions import action_request_serializer, install_action_endpoints, run_action
from petitions.api_examples import PETITION_CREATE_EXAMPLE, PETITION_DETAIL_EXAMPLE, PETITION_LIST_EXAMPLE
from petitions.filters import PetitionFilter
from petitions.models import Attachment, Category, HandlingUnit, Petition, Petitioner, PetitionPetitioner, TimelineEntry
from petitions.permissions import can_act, can_register, petitions_visible_to
from petitions.privacy import petitioner_reveal
from petitions.selectors import LIST_RELATED
from petitions.states import Action, Channel, Kind, Origin
from petitions.transitions import allowed_targets

# --- Output shapes ------------------------------------------------------------------------


class PetitionListOut(serializers.ModelSerializer):
    category = serializers.StringRelatedField()
    village = serializers.CharField(source="village.short_name", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)
    responsible_leader = serializers.CharField(source="responsible_leader.display_name", default=None, allow_null=True)

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
    id = serializers.IntegerField(source="petitioner_id")
    name = serializers.CharField(source="petitioner.masked_name")
    phone = serializers.CharField(source="petitioner.masked_phone")
    id_number = serializers.CharField(source="petitioner.masked_id_number")
    is_representative = serializers.BooleanField()


class TimelineOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)

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


class PetitionCreatedOut(PetitionDetailOut):
    query_code = serializers.CharField(help_text="群众查询码：只在登记时返回一次，请转告诉求人。")

    class Meta(PetitionDetailOut.Meta):
        fields = [*PetitionDetailOut.Meta.fields, "query_code"]


class ReceiptOut(serializers.ModelSerializer):
    """What the registrar gets back for an accusation: the receipt, once — the case itself
    goes to the discipline inspectors only."""

    query_code = serializers.CharField(help_text="群众查询码：只在登记时返回一次，请转告检举控告人。")

    class Meta:
        model = Petition
        fields = ["tracking_number", "kind", "state", "registered_at", "query_code"]


REGISTERED_OUT = PolymorphicProxySerializer(
    component_name="PetitionRegistered",
    serializers=[PetitionCreatedOut, ReceiptOut],
    resource_type_field_name=None,
)


class RevealedOut(serializers.ModelSerializer):
    class Meta:
        model = Petitioner
        fields = ["id", "name", "phone", "id_number", "address"]


class AttachmentOut(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "public", "uploaded_by", "uploaded_at", "download"]

    def get_download(self, attachment) -> str:
        from django.urls import reverse

        number = self.context["tracking_number"]
        return reverse("petitions:attachment", kwargs={"number": number, "attachment_id": attachment.pk})


# --- Input shapes ---------------------------------------------------------------------------


class PetitionerIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_representative = serializers.BooleanField(default=False)


def clean_petitioners(rows):
    from core.identity import normalize_id_number, normalize_phone, validate_id_number, validate_phone

    for row in rows:
        if row["phone"]:
            validate_phone(row["phone"])
            row["phone"] = normalize_phone(row["phone"])
        if row["id_number"]:
            validate_id_number(row["id_number"])
            row["id_number"] = normalize_id_number(row["id_number"])
    return rows


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
    headcount = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    petitioners = PetitionerIn(many=True, required=False, default=list)

    def validate_petitioners(self, rows):
        return clean_petitioners(rows)


class RevealIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="为什么需要查看完整信息（记入查看日志）。")


class AttachIn(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取诉求时的版本号。")
    files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=5, help_text="照片（JPEG/PNG/WebP）或 PDF，最多 5 个。"
    )
    public = serializers.BooleanField(default=False, help_text="是否向群众公开。")
    keep_location = serializers.BooleanField(default=False, help_text="保留照片中的位置信息（默认去除）。")


# --- Endpoints ----------------------------------------------------------------------------------

NUMBER = OpenApiParameter("tracking_number", str, OpenApiParameter.PATH, description="受理编号，如 DHK-2026-000123")


@extend_schema_view(
    list=extend_schema(
        summary="诉求列表",
        description="当前用户可见范围内的诉求，筛选条件与案件列表页面相同（state、light、origin、channel、kind、"
        "category、village、grid、unit、responsible_leader、registered_from/to、flag、q、sort）。"
        "检举控告只有纪检人员可见；村级人员只看到本村的。",
        examples=[PETITION_LIST_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="诉求详情",
        description="一件诉求：内容、期限、答复和诉求人（姓名、电话、身份证号已脱敏），以及当前用户现在可以执行的动作。",
        parameters=[NUMBER],
        examples=[PETITION_DETAIL_EXAMPLE],
    ),
)
class PetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Petitions the caller may see, with the case list's filters."""

    lookup_field = "tracking_number"
    lookup_value_regex = "[A-Z]{2,6}-(?:JK-)?[0-9]{4}-[0-9]{6}"  # accusations: PREFIX-JK-YEAR-N
    filterset_class = PetitionFilter

    def get_queryset(self):
        petitions = petitions_visible_to(self.request.user).select_related(*LIST_RELATED)
        if self.action != "list":
            petitions = petitions.prefetch_related("links__petitioner")
        return petitions

    def filter_queryset(self, queryset):
        # The case list's filters apply to the list; one petition is found by its number only.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return PetitionListOut if self.action == "list" else PetitionDetailOut

    def detail_body(self, request, petition: Petition) -> dict:
        """The petition after an action. The caller may have just handed it out of their own
        scope (an objection, an escalation): they still see the result of what they did."""
        fresh = Petition.objects.select_related(*LIST_RELATED).prefetch_related("links__petitioner").get(pk=petition.pk)
        return PetitionDetailOut(fresh, context={"request": request}).data

    @extend_schema(
        summary="登记诉求",
        description="登记一件诉求（任何渠道）。村级人员只能登记本村的诉求；检举控告由镇信访窗口、镇领导或纪检人员登记，"
        "登记后只有纪检人员可见，登记人只拿到一次回执（受理编号和查询码）。"
        "请求头带 `Idempotency-Key`（UUID），重试时返回第一次登记的诉求（200），"
        "不会重复登记。上级交办的诉求请用 `POST /api/v1/assignments/`。",
        request=PetitionIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: REGISTERED_OUT, 200: REGISTERED_OUT, **errors(409)},
        examples=[PETITION_CREATE_EXAMPLE],
    )
    def create(self, request):
        if not can_register(request.user):
            raise PermissionDenied()
        incoming = PetitionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
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
            client_token=idempotency_key(request),
        )
        status_code = 201 if result.created else 200
        if not result.created and not services.same_submission(
            result.petition,
            actor=request.user,
            kind=data["kind"],
            category=data["category"],
            village=data.get("village") or result.petition.village,
            title=data["title"],
            content=data["content"],
        ):
            return error_response(
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for another petition; nothing was registered."),
                409,
            )
        if not petitions_visible_to(request.user).filter(pk=result.petition.pk).exists():
            # An accusation the desk registered: the registrar gets the receipt, not the case.
            return Response(ReceiptOut(result.petition).data, status=status_code)
        petition = selectors.petition_detail(user=request.user, tracking_number=result.petition.tracking_number)
        return Response(PetitionCreatedOut(petition, context={"request": request}).data, status=status_code)

    @extend_schema(
        summary="诉求办理记录",
        description="诉求的全部办理记录（只增不改），按时间先后。",
        parameters=[NUMBER],
        responses={200: TimelineOut(many=True)},
        examples=[
            OpenApiExample(
                "办理记录",
                response_only=True,
                value=[
                    {
                        "at": "2026-11-20T09:12:00+08:00",
                        "actor": "王丽",
                        "action": "register",
                        "from_state": "",
                        "to_state": "registered",
                        "note": "登记（便民热线）。",
                        "public": True,
                    },
                    {
                        "at": "2026-11-20T10:05:00+08:00",
                        "actor": "王丽",
                        "action": "assign",
                        "from_state": "registered",
                        "to_state": "handling",
                        "note": "交办综治中心。",
                        "public": True,
                    },
                ],
            )
        ],
    )
    @route(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, tracking_number=None):
        petition = self.get_object()
        entries = petition.timeline.select_related("actor")
        return Response(TimelineOut(entries, many=True).data)

    @extend_schema(
        summary="诉求人（脱敏）",
        description="这件诉求的诉求人，姓名、电话和身份证号均已脱敏。"
        "查看完整信息请用 reveal 接口（需说明理由并记录）。",
        parameters=[NUMBER],
        responses={200: PetitionerOut(many=True)},
        examples=[
            OpenApiExample(
                "诉求人",
                response_only=True,
                value=[
                    {
                        "id": 7,
                        "name": "刘*",
                        "phone": "138****1234",
                        "id_number": "110105********002X",
                        "is_representative": False,
                    }
                ],
            )
        ],
    )
    @route(detail=True, methods=["get"], pagination_class=None)
    def petitioners(self, request, tracking_number=None):
        petition = self.get_object()
        return Response(PetitionerOut(petition.links.all(), many=True).data)

    @extend_schema(
        summary="查看诉求人完整信息",
        description="显示一位诉求人的完整电话、身份证号和地址。只有窗口、领导、承办人员和纪检人员（检举控告：只有纪检人员）"
        "可以查看；必须说明理由，每次查看都记入查看日志（RevealLog）。",
        parameters=[
            NUMBER,
            OpenApiParameter("petitioner_id", int, OpenApiParameter.PATH, description="诉求人编号（见 petitioners）"),
        ],
        request=RevealIn,
        responses={200: RevealedOut, **errors(400, 403, 404)},
        examples=[
            OpenApiExample("理由", request_only=True, value={"reason": "电话回访需要联系诉求人。"}),
            OpenApiExample(
                "完整信息",
                response_only=True,
                value={
                    "id": 7,
                    "name": "刘芳",
                    "phone": "13812341234",
                    "id_number": "11010519491231002X",
                    "address": "东河口村三组",
                },
            ),
        ],
    )
    @route(detail=True, methods=["post"], url_path=r"petitioners/(?P<petitioner_id>[0-9]+)/reveal")
    def reveal(self, request, tracking_number=None, petitioner_id=None):
        petition = self.get_object()
        link = PetitionPetitioner.objects.filter(petition=petition, petitioner_id=int(petitioner_id)).first()
        if link is None:
            raise NotFound()
        incoming = RevealIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = petitioner_reveal(
            petition=petition, petitioner=link.petitioner, user=request.user, reason=incoming.validated_data["reason"]
        )
        return Response(RevealedOut(person).data)

    @extend_schema(
        methods=["GET"],
        summary="附件列表",
        description="这件诉求的照片和文件；download 是下载地址（需登录会话或令牌）。",
        parameters=[NUMBER],
        responses={200: AttachmentOut(many=True)},
        examples=[
            OpenApiExample(
                "附件",
                response_only=True,
                value=[
                    {
                        "id": 3,
                        "name": "现场照片.jpg",
                        "content_type": "image/jpeg",
                        "size": 183245,
                        "public": False,
                        "uploaded_by": "张强",
                        "uploaded_at": "2026-11-21T15:20:00+08:00",
                        "download": "/petitions/DHK-2026-000123/files/3/",
                    }
                ],
            )
        ],
    )
    @extend_schema(
        methods=["POST"],
        summary="上传附件",
        description="上传照片（JPEG、PNG、WebP）或 PDF，最多 5 个，每个不超过 10 MB，用 multipart/form-data。"
        "文件类型按内容判断；照片重新编码并去除位置信息（除非 keep_location）。办理记录写明谁上传了什么。",
        parameters=[NUMBER, IDEMPOTENCY_HEADER],
        request={"multipart/form-data": AttachIn},
        responses={200: AttachmentOut(many=True), **errors(400, 403, 404, 409)},
    )
    @route(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, tracking_number=None):
        petition = self.get_object()
        if request.method == "POST":
            incoming = AttachIn(data=request.data)
            incoming.is_valid(raise_exception=True)
            spec = ACTIONS[Action.ATTACH]
            form = spec.form(request.data, request.FILES, petition=petition)
            if not form.is_valid():
                return invalid(form_errors(form))
            key = form.cleaned_data.get("client_token") or idempotency_key(request)
            try:
                with transaction.atomic():
                    idempotency_claim(key=key, user=request.user)
                    spec.run(petition=petition, actor=request.user, data=form.cleaned_data)
            except AlreadyApplied:
                pass
        rows = Attachment.objects.filter(petition=petition).select_related("uploaded_by")
        return Response(AttachmentOut(rows, many=True, context={"tracking_number": petition.tracking_number}).data)

    @extend_schema(
        summary="执行办理动作（通用，已弃用）",
        description="旧的通用入口：`action_name` 为动作名（下划线写法）。请改用每个动作自己的接口，"
        "如 `POST /api/v1/petitions/{tracking_number}/assign/`。",
        deprecated=True,
        parameters=[
            NUMBER,
            OpenApiParameter(
                "action_name",
                str,
                OpenApiParameter.PATH,
                enum=[a for a in ACTIONS if a != Action.ATTACH],
                description="动作名",
            ),
            IDEMPOTENCY_HEADER,
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: PetitionDetailOut, **errors(400, 403, 404, 409)},
    )
    @route(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, tracking_number=None, action_name=None):
        if action_name not in ACTIONS or action_name == Action.ATTACH:
            raise NotFound()
        return run_action(self, request, action_name, action_request_serializer(action_name))


install_action_endpoints(PetitionViewSet, output=PetitionDetailOut)


# --- Petitioners ----------------------------------------------------------------------------


class PetitionerListOut(serializers.ModelSerializer):
    name = serializers.CharField(source="masked_name")
    phone = serializers.CharField(source="masked_phone")
    id_number = serializers.CharField(source="masked_id_number")
    village = serializers.CharField(source="village.short_name", default=None, allow_null=True)
    petitions = serializers.SerializerMethodField()

    class Meta:
        model = Petitioner
        fields = ["id", "name", "phone", "id_number", "village", "petitions"]

    def get_petitions(self, person) -> list[str]:
        return [link.petition.tracking_number for link in person.visible_links]


@extend_schema_view(
    list=extend_schema(
        summary="诉求人列表（脱敏）",
        description="当前用户可见诉求的诉求人，信息已脱敏，附其可见诉求的受理编号。"
        "查看完整信息：`POST /api/v1/petitions/{tracking_number}/petitioners/{id}/reveal/`。",
    ),
    retrieve=extend_schema(summary="诉求人（脱敏）", description="一位诉求人，信息已脱敏。"),
)
class PetitionerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PetitionerListOut

    def get_queryset(self):
        visible = petitions_visible_to(self.request.user)
        links = PetitionPetitioner.objects.filter(petition__in=visible).select_related("petition")
        return (
            Petitioner.objects.filter(pk__in=links.values("petitioner_id"))
            .select_related("village")
            .prefetch_related(Prefetch("links", queryset=links.order_by("petition_id"), to_attr="visible_links"))
            .order_by("-id")
        )


# --- Reference data ---------------------------------------------------------------------------


class CategoryOut(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["code", "name", "parent"]


@extend_schema_view(
    list=extend_schema(summary="问题类别", description="两级问题类别（启用的）；parent 为上级类别代码。"),
    retrieve=extend_schema(summary="一个问题类别"),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(active=True).select_related("parent")
    serializer_class = CategoryOut
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    pagination_class = None


class UnitOut(serializers.ModelSerializer):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "kind", "village"]


@extend_schema_view(
    list=extend_schema(summary="承办单位", description="本镇启用的承办单位（镇直部门、中心站所、镇纪委、各村）。"),
    retrieve=extend_schema(summary="一个承办单位"),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitOut
    pagination_class = None

    def get_queryset(self):
        town_id = getattr(self.request.user, "town_id", None)
        return HandlingUnit.objects.filter(town_id=town_id, active=True).select_related("village")
