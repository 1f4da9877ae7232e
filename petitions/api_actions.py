"""One POST endpoint per lifecycle action: /api/v1/petitions/{tracking_number}/{action}/.

Each endpoint's request serializer is derived from the action's form (petitions/actions.py),
so the page and the API share one definition of every action's fields; the serializer checks
types for the API and documents them in the schema, then the same form validates the values
against the petition (its units, its leaders) and the registry runs the same service."""

from __future__ import annotations

from functools import cache

from django import forms
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as route
from rest_framework.response import Response

from config.api import IDEMPOTENCY_HEADER, errors, form_errors, idempotency_key, invalid
from core.services import AlreadyApplied, idempotency_claim
from petitions.actions import ACTIONS
from petitions.api_examples import ACTION_DOCS, PETITION_DETAIL
from petitions.states import Action

# Attachments are uploaded at /petitions/{tracking_number}/attachments/ (multipart).
ENDPOINT_ACTIONS = [action for action in ACTIONS if action != Action.ATTACH]
VERSION_HELP = "读取诉求时的版本号（version）；他人已修改时返回 409，什么也不保存。"
RETRY_KEY_HELP = "可选的 UUID；重发同一请求只生效一次（也可用 Idempotency-Key 请求头）。"


def url_path(action: str) -> str:
    return action.replace("_", "-")


def _drf_field(name: str, field: forms.Field) -> serializers.Field:
    """The API twin of one form field: same name, type, bounds and requiredness."""
    common = {"required": field.required, "help_text": field.label or ""}
    if name == "version":
        return serializers.IntegerField(required=True, help_text=VERSION_HELP)
    if isinstance(field, forms.UUIDField):
        return serializers.UUIDField(required=False, allow_null=True, help_text=RETRY_KEY_HELP)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(**common, allow_null=not field.required, min_value=1)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, default=False, help_text=common["help_text"])
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(**common, choices=list(field.choices))
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common, allow_null=not field.required)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**common, min_value=field.min_value, max_value=field.max_value)
    if isinstance(field, forms.CharField):
        if not field.required:
            common["default"] = ""
        return serializers.CharField(**common, max_length=field.max_length, allow_blank=not field.required)
    raise TypeError(f"no API field for the form field {name!r} ({type(field).__name__})")


@cache
def action_request_serializer(action: str) -> type[serializers.Serializer]:
    """The request serializer of one action, built once from its form's fields."""
    form = ACTIONS[action].form
    fields = {name: _drf_field(name, field) for name, field in form.base_fields.items()}
    name = "".join(part.capitalize() for part in action.split("_")) + "Action"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": ACTION_DOCS[action][1]})


def _form_data(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def run_action(view, request, action: str, serializer_class) -> Response:
    """Check the input, validate it with the action's form, run the action's service once
    (a retry with the same key is answered with the petition as it is)."""
    petition = view.get_object()
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    spec = ACTIONS[action]
    form = spec.form(_form_data(incoming.validated_data), petition=petition)
    if not form.is_valid():
        return invalid(form_errors(form))
    key = form.cleaned_data.get("client_token") or idempotency_key(request)
    try:
        with transaction.atomic():
            idempotency_claim(key=key, user=request.user)
            spec.run(petition=petition, actor=request.user, data=form.cleaned_data)
    except AlreadyApplied:
        pass  # a retry of a request that was applied: answer with the petition as it is
    return Response(view.detail_body(request, petition))


def _endpoint(action: str, output: type[serializers.Serializer]):
    serializer_class = action_request_serializer(action)
    summary, description, example = ACTION_DOCS[action]

    def endpoint(self, request, tracking_number=None):
        return run_action(self, request, action, serializer_class)

    endpoint.__name__ = f"do_{action}"
    endpoint.__doc__ = description
    decorated = route(detail=True, methods=["post"], url_path=url_path(action), url_name=url_path(action))(endpoint)
    return extend_schema(
        summary=summary,
        description=description
        + "\n\n请求体带上读取时的 `version`；版本过期（409 stale_version）或当前状态不允许（409 illegal_transition）"
        "时什么也不保存。",
        parameters=[
            OpenApiParameter("tracking_number", str, OpenApiParameter.PATH, description="受理编号"),
            IDEMPOTENCY_HEADER,
        ],
        request=serializer_class,
        responses={200: output, **errors(400, 403, 404, 409)},
        examples=[
            OpenApiExample(summary, value=example, request_only=True),
            OpenApiExample(
                "动作完成后的诉求",
                value={**PETITION_DETAIL, "version": example["version"] + 1},
                response_only=True,
            ),
        ],
        tags=["petition-actions"],
    )(decorated)


def install_action_endpoints(viewset, *, output: type[serializers.Serializer]) -> None:
    """Give the petitions viewset one POST endpoint per action of petitions.actions.ACTIONS,
    answering with ``output`` (the petition after the action)."""
    for action in ENDPOINT_ACTIONS:
        setattr(viewset, f"do_{action}", _endpoint(action, output))
