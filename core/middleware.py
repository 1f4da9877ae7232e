from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DeskLocaleMiddleware:
    """Speak Simplified Chinese unless the user chose another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk on a
    PC set up in English would get an English desk. Here only the language cookie (set by
    the language switcher) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's actor middleware, with the client address taken the desk's way:
    X-Forwarded-For is believed only from a trusted proxy (core/ratelimit.py)."""

    @staticmethod
    def _get_remote_addr(request):
        from core.ratelimit import client_ip

        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None
