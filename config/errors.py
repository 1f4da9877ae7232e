"""Django's error views, with one change: under /api/ every error — an unknown path, a body
that cannot be read (too large, multipart without a boundary), a crash — answers in the API's
one JSON shape ({"error": {"code", "message"}}) instead of an HTML page. Pages elsewhere keep
Django's views."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": str(message)}}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if _is_api(request):
        return _json("invalid", _("The request could not be read (malformed or too large)."), 400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if _is_api(request):
        return _json("permission_denied", _("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if _is_api(request):
        return _json("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if _is_api(request):
        return _json("server_error", _("A server error occurred. Please try again later."), 500)
    return defaults.server_error(request, template_name)
