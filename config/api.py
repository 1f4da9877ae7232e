"""What every API endpoint shares: one error shape.

{"error": {"code": "invalid", "message": "…", "fields": {"name": ["…"]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from petitions.errors import IllegalTransition, InvalidInput, NotAllowed, PetitionError, StaleVersion

PETITION_ERRORS = {
    StaleVersion: (status.HTTP_409_CONFLICT, "stale_version"),
    IllegalTransition: (status.HTTP_409_CONFLICT, "illegal_transition"),
    NotAllowed: (status.HTTP_403_FORBIDDEN, "not_allowed"),
    InvalidInput: (status.HTTP_400_BAD_REQUEST, "invalid"),
}


def error_response(code: str, message: str, status_code: int, fields: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status_code)


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
    code = getattr(exc, "default_code", "error")
    message = detail.get("detail", "") if isinstance(detail, dict) else detail
    response.data = {"error": {"code": code, "message": str(message)}}
    return response
