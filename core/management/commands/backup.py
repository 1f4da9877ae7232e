from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump / SQLite's backup API) and the uploaded files into one "
        ".tar.gz with a manifest (time, engine, rows per table, checksums)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a folder (a dated file name is chosen) or the archive's file name")

    def handle(self, *args, destination, **options):
        try:
            path, manifest = create_backup(Path(destination))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: {manifest['engine']} database, {len(manifest['tables'])} tables, "
                f"{rows} rows, {len(manifest['media'])} uploaded files."
            )
        )
