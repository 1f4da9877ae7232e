"""Remove the personal details of closed cases older than the retention period, and report."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from mediation.retention import anonymise_closed_mediation
from petitions.retention import anonymise_closed_petitions


class Command(BaseCommand):
    help = "Anonymise people of cases closed longer ago than RETENTION_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override RETENTION_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args, days, dry_run, **options):
        days = days if days is not None else settings.RETENTION_DAYS
        before = timezone.now() - timedelta(days=days)
        petitions = anonymise_closed_petitions(before=before, dry_run=dry_run)
        parties = anonymise_closed_mediation(before=before, dry_run=dry_run)
        mode = " (dry run: nothing changed)" if dry_run else ""
        self.stdout.write(f"Cases closed before {before:%Y-%m-%d} ({days} days){mode}:")
        self.stdout.write(f"  petitioners anonymised: {petitions.people} (on {petitions.petitions} petitions)")
        self.stdout.write(f"  staff-only files deleted: {petitions.files}")
        self.stdout.write(f"  mediation parties anonymised: {parties}")
