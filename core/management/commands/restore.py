from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: the database and the uploaded files. Refuses a "
        "database that already holds data unless --force; counts every table afterwards. Stop the "
        "web and job processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data (its data is lost)"
        )

    def handle(self, *args, archive, force, **options):
        try:
            result = restore_backup(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {result.manifest['created_at']}: {result.tables} tables and "
                f"{result.rows} rows, {result.files} uploaded files, all checked against the manifest."
            )
        )
        self.stdout.write("If this code is newer than the backup, run `python manage.py migrate` now.")
