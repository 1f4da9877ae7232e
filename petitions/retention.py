"""Retention: after the configured period, the personal details of people whose every
petition is closed are removed. The petitions stay (the statistics and the record of what
was done); names become "已匿名", numbers and addresses are blanked, and files not shown to the
resident (often ID card scans) are deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.identity import ANONYMOUS_NAME  # noqa: F401 (the name the retention writes)
from petitions.models import Attachment, Petition, Petitioner, PetitionPetitioner
from petitions.states import OPEN_STATES


@dataclass(frozen=True)
class Anonymised:
    people: int
    petitions: int
    files: int


def _recent_or_open(before: datetime):
    """Petitions that keep their people's details: still open, or closed after ``before``."""
    return Petition.objects.filter(Q(state__in=OPEN_STATES) | Q(closed_at__isnull=True) | Q(closed_at__gte=before))


def petitioners_due(before: datetime):
    keep = PetitionPetitioner.objects.filter(petitioner=OuterRef("pk"), petition__in=_recent_or_open(before))
    return (
        Petitioner.objects.filter(anonymised_at__isnull=True)
        .filter(Exists(PetitionPetitioner.objects.filter(petitioner=OuterRef("pk"))))
        .exclude(Exists(keep))
    )


def petitions_due(before: datetime):
    """Closed before the cutoff, with files still to delete or people still named."""
    return Petition.objects.filter(closed_at__lt=before).exclude(state__in=OPEN_STATES)


def anonymise_closed_petitions(*, before: datetime, dry_run: bool = False) -> Anonymised:
    people = petitioners_due(before)
    files = Attachment.objects.filter(petition__in=petitions_due(before), public=False)
    affected = Petition.objects.filter(petitioners__in=people).distinct()
    counts = Anonymised(people=people.count(), petitions=affected.count(), files=files.count())
    if dry_run:
        return counts
    with transaction.atomic():
        now = timezone.now()
        for person in people.select_for_update():
            person.anonymise(at=now)
            person.save()
        paths = []
        for attachment in files.select_for_update():
            paths.append(attachment.file.name)
            attachment.delete()
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(path) for path in paths])
    return counts
