from django.core.management.base import BaseCommand

from core import services


class Command(BaseCommand):
    help = "Load the demo town (东河口镇) and its 29 villages with their official codes. Safe to run again."

    def handle(self, *args, **options):
        result = services.town_load()
        self.stdout.write(
            f"{result.town.name} ({result.town.code}): {result.town.villages.count()} villages "
            f"({result.created} created, {result.updated} updated)"
        )
