"""Re-encrypt every ID card and phone number with the first key of FIELD_ENCRYPTION_KEYS and
recompute their keyed hashes with the current FIELD_HASH_KEY (see core/crypto.py)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.crypto import BlindIndexField, EncryptedCharField


def encrypted_models():
    """(model, encrypted field names, hash field names) for every model holding personal data."""
    for model in apps.get_models():
        encrypted = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if encrypted:
            hashes = [f.name for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            yield model, encrypted, hashes


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current key and recompute the search hashes."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch, **options):
        for model, encrypted, hashes in encrypted_models():
            done = 0
            rows = model.objects.only("pk", *encrypted).order_by("pk")
            last = 0
            while True:
                chunk = list(rows.filter(pk__gt=last)[:batch])
                if not chunk:
                    break
                with transaction.atomic():
                    for row in chunk:
                        row.save(update_fields=[*encrypted, *hashes])
                done += len(chunk)
                last = chunk[-1].pk
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
