"""Retention for mediation parties: the same rule as petitioners (petitions/retention.py)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.identity import ANONYMOUS_NAME  # noqa: F401 (the name the retention writes)
from mediation.models import Party
from mediation.states import OPEN_STATES


def parties_due(before: datetime):
    return Party.objects.filter(anonymised_at__isnull=True, case__closed_at__lt=before).exclude(
        case__state__in=OPEN_STATES
    )


def anonymise_closed_mediation(*, before: datetime, dry_run: bool = False) -> int:
    parties = parties_due(before)
    count = parties.count()
    if dry_run:
        return count
    with transaction.atomic():
        now = timezone.now()
        for party in parties.select_for_update():
            party.anonymise(at=now)
            party.save()
    return count
