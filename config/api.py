"""What every API endpoint shares: one error shape, its mapping from the services' errors,
and how the OpenAPI schema documents both.

{"error": {"code": "invalid", "message": "…", "fields": {"name": ["…"]}}}
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from petitions.errors import IllegalTransition, InvalidInput, NotAllowed, PetitionError, StaleVersion

PETITION_ERRORS = {
    StaleVersion: (status.HTTP_409_CONFLICT, "stale_version"),
    IllegalTransition: (status.HTTP_409_CONFLICT, "illegal_transition"),
    NotAllowed: (status.HTTP_403_FORBIDDEN, "not_allowed"),
    InvalidInput: (status.HTTP_400_BAD_REQUEST, "invalid"),
}
# Sent with every 401: the scheme a system should use (the browser has its session).
AUTHENTICATE_HEADER = 'Token realm="api"'


def error_response(code: str, message: str, status_code: int, fields: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status_code)


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors in the API's shape: field → list of messages."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def invalid(fields: dict) -> Response:
    return error_response("invalid", _("The input is not valid."), status.HTTP_400_BAD_REQUEST, fields)


def idempotency_key(request) -> uuid.UUID | None:
    """The request's Idempotency-Key header as a UUID; a malformed one is refused (400)."""
    value = request.headers.get("Idempotency-Key")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise exceptions.ValidationError({"Idempotency-Key": [_("Idempotency-Key must be a UUID.")]}) from None


def exception_handler(exc, context):
    if isinstance(exc, PetitionError):
        status_code, code = PETITION_ERRORS.get(type(exc), (status.HTTP_400_BAD_REQUEST, "invalid"))
        return error_response(code, exc.message, status_code)
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return error_response("invalid", _("The input is not valid."), status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return error_response("invalid", _("The input is not valid."), response.status_code, fields)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when the first authentication class names no scheme (a session-only
        # caller): without credentials the answer is 401 all the same, with the scheme to use.
        response.status_code = status.HTTP_401_UNAUTHORIZED
        if "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = AUTHENTICATE_HEADER
    code = getattr(exc, "default_code", "error")
    message = detail.get("detail", "") if isinstance(detail, dict) else detail
    response.data = {"error": {"code": code, "message": str(message)}}
    return response


# --- The schema -----------------------------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="机器可读的错误代码：invalid、not_authenticated、authentication_failed、permission_denied、"
        "not_allowed、not_found、stale_version、illegal_transition、throttled、method_not_allowed…"
    )
    message = serializers.CharField(help_text="给人看的错误说明（按用户语言翻译）。")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="输入无效时：每个字段的错误信息列表。",
    )


class ErrorSerializer(serializers.Serializer):
    """The one error shape of every endpoint."""

    error = ErrorBodySerializer()


ERROR_EXAMPLES = {
    400: (
        "输入无效",
        {"error": {"code": "invalid", "message": "输入无效。", "fields": {"reason": ["这个字段是必填项。"]}}},
    ),
    401: ("未认证", {"error": {"code": "not_authenticated", "message": "身份认证信息未提供。"}}),
    403: ("无权操作", {"error": {"code": "not_allowed", "message": "您的角色不能对该诉求“答复”。"}}),
    404: ("不存在或不在您的范围内", {"error": {"code": "not_found", "message": "未找到。"}}),
    409: (
        "版本过期或流程不允许",
        {
            "error": {
                "code": "stale_version",
                "message": "在您打开后已有他人修改了该诉求，未保存任何内容；请刷新后重试。",
            }
        },
    ),
    429: ("请求过多", {"error": {"code": "throttled", "message": "请求超过了限制。 预计 30 秒后可用。"}}),
}
ERROR_DESCRIPTIONS = {
    400: "输入无效，未做任何更改。",
    401: "未认证：请登录，或使用 `Authorization: Token <令牌>`。",
    403: "您的角色不能执行此操作。",
    404: "不存在，或不在您的可见范围内。",
    409: "冲突：版本已过期（他人已修改），或当前状态下流程不允许此操作。",
    429: "该令牌的请求过多，请稍后再试。",
}


def error_response_doc(code: int) -> OpenApiResponse:
    summary, value = ERROR_EXAMPLES[code]
    return OpenApiResponse(
        ErrorSerializer,
        description=ERROR_DESCRIPTIONS[code],
        examples=[OpenApiExample(f"error-{code}", summary=summary, value=value, response_only=True)],
    )


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for extend_schema(responses=…), beyond those every operation has."""
    return {code: error_response_doc(code) for code in codes}


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="UUID；重发同一请求（网络重试）时带同一个值，只生效一次。",
)


class DeskAutoSchema(AutoSchema):
    """Every operation documents the error answers it can give: 401, 403 and 429 always,
    400 when it takes input, 404 when its path names an object."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = [401, 403, 429]
        if self.method in ("POST", "PUT", "PATCH") or self._takes_query():
            codes.append(400)
        if "{" in self.path or self._paginated():
            codes.append(404)  # an object outside the caller's scope, or a page past the end
        for code in sorted(codes):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error_response_doc(code), str(code))
        return responses

    def _paginated(self) -> bool:
        return (
            self.method == "GET" and getattr(self.view, "pagination_class", None) is not None and self._is_list_view()
        )

    def _takes_query(self) -> bool:
        return bool(getattr(self.view, "filterset_class", None)) and self._is_list_view()


def only_api_v1(endpoints):
    """The schema covers /api/v1/ (Open311 has its own specification)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Personal API tokens (apitokens): `Authorization: Token <secret>` (or `Bearer`)."""

    target_class = "apitokens.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "管理员签发的个人 API 令牌：`Authorization: Token <令牌>`（也接受 `Bearer`）。"
            "令牌以其账号的角色和范围行事，每次使用都有记录，并按令牌限流。",
        }
