from django.core.management.base import BaseCommand
from django.db import transaction

from core import services as core_services
from mediation import services as mediation_services
from petitions import services as petition_services


class Command(BaseCommand):
    help = (
        "Load the town (东河口镇), its 29 villages with their official codes, and its handling units. "
        "Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        result = core_services.town_load()
        units = petition_services.units_ensure(town=result.town)
        rooms = mediation_services.rooms_ensure(town=result.town)
        self.stdout.write(
            f"{result.town.name} ({result.town.code}): {result.town.villages.count()} villages "
            f"({result.created} created, {result.updated} updated), {len(units)} handling units, "
            f"{len(rooms)} mediation rooms"
        )
