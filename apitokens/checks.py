from django.conf import settings
from django.core import checks

MIDDLEWARE = "apitokens.middleware.ApiTokenUseMiddleware"


def check_middleware(app_configs=None, **kwargs):
    if MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            "API token uses are not logged.",
            hint=f"Add {MIDDLEWARE!r} to MIDDLEWARE (after AuthenticationMiddleware).",
            id="apitokens.W001",
        )
    ]
