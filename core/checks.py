"""System checks of the desk's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    if settings.FIELD_ENCRYPTION_KEYS and settings.FIELD_HASH_KEY:
        return []
    return [
        Warning(
            "Personal data is encrypted with keys derived from SECRET_KEY.",
            hint="Set FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated) and FIELD_HASH_KEY; see README, "
            "'Personal data keys'. Changing SECRET_KEY would otherwise make stored ID and phone numbers unreadable.",
            id="core.W001",
        )
    ]
