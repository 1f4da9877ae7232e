"""The Celery app. Configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

from celery import Celery

from config.boot import load_settings

load_settings()

app = Celery("desk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
