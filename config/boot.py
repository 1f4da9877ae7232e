"""Start-up guard shared by manage.py, WSGI/ASGI and the Celery app.

A configuration error stops the process with one line on stderr instead of a traceback,
so an IT officer sees which variable to fix.
"""

from __future__ import annotations

import os
import sys


def load_settings() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load now
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        raise SystemExit(2) from None
