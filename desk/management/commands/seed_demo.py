import time

from django.core.management.base import BaseCommand
from django.utils import translation

from core.demo import DEFAULT_PASSWORD, shown_accounts
from desk.demo import ARTICLE_PETITIONS, build_demo


class Command(BaseCommand):
    help = (
        "Build the demo town of Donghekou: the town, its 29 villages, grids and handling units, staff for every "
        "role in every village, and a year of petitions. Safe to run again: a loaded demo is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same town")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument(
            "--petitions", type=int, default=ARTICLE_PETITIONS, help="how many petitions (default: the article's 860)"
        )
        parser.add_argument(
            "--months", type=int, default=None, help="spread the petitions over this many months (default: this year)"
        )
        parser.add_argument(
            "--peak-month",
            type=int,
            default=0,
            help="put this many of the petitions in the last full month (the benchmark's month of 100,000)",
        )

    def handle(self, *args, seed: int, password: str, petitions: int, months: int | None, peak_month: int, **options):
        started = time.monotonic()
        step = max(10_000, petitions // 20)
        shown = [0]

        def progress(done: int) -> None:
            if petitions >= 10_000 and (done - shown[0] >= step or done == petitions):
                shown[0] = done
                rate = done / max(time.monotonic() - started, 0.001)
                self.stdout.write(f"  {done:,} / {petitions:,} petitions ({rate:,.0f}/s)")

        result = build_demo(
            seed=seed, password=password, petitions=petitions, months=months, progress=progress, peak_month=peak_month
        )
        if result.already_loaded:
            self.stdout.write("The demo town is already loaded; nothing changed.")
            note = f"as set at first load; default {DEFAULT_PASSWORD}"
        else:
            self.stdout.write(
                f"Loaded {result.town.name}: {result.town.villages.count()} villages, "
                f"{result.created_users} staff accounts, {result.petitions} petitions, "
                f"{result.patrols} patrols with {result.risks} disputes and risks found, "
                f"{result.mediation.cases} mediation cases in {result.mediation.rooms} rooms "
                f"in {time.monotonic() - started:.1f} s."
            )
            note = password
        self.print_accounts(note)

    def print_accounts(self, password_note: str) -> None:
        with translation.override("zh-hans"):
            self.stdout.write("")
            self.stdout.write(f"Demo accounts (password: {password_note}):")
            for user in shown_accounts():
                village = user.village.short_name if user.village else ""
                self.stdout.write(f"  {user.username:<12} {user.get_role_display():<10} {village}")
