import time

from django.core.management.base import BaseCommand
from django.utils import translation

from core.demo import DEFAULT_PASSWORD, seed_town, shown_accounts


class Command(BaseCommand):
    help = (
        "Build the demo town of Donghekou: the town, its 29 villages and their grids, and staff for every "
        "role in every village. Safe to run again: an already loaded demo is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same town")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")

    def handle(self, *args, seed: int, password: str, **options):
        started = time.monotonic()
        result = seed_town(seed=seed, password=password)
        if result.already_loaded:
            self.stdout.write("The demo town is already loaded; nothing changed.")
        else:
            self.stdout.write(
                f"Loaded {result.town.name}: {result.town.villages.count()} villages, "
                f"{result.created_users} staff accounts in {time.monotonic() - started:.1f} s."
            )
        note = password if not result.already_loaded else f"as set at first load; default {DEFAULT_PASSWORD}"
        self.print_accounts(note)

    def print_accounts(self, password_note: str) -> None:
        with translation.override("zh-hans"):
            self.stdout.write("")
            self.stdout.write(f"Demo accounts (password: {password_note}):")
            for user in shown_accounts():
                village = user.village.short_name if user.village else ""
                self.stdout.write(f"  {user.username:<12} {user.get_role_display():<10} {village}")
