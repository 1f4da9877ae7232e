"""Revealing a petitioner's personal data: allowed to the roles that need it, always logged."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from petitions.errors import InvalidInput, NotAllowed
from petitions.models import Petition, Petitioner, RevealLog
from petitions.permissions import can_reveal, petitions_visible_to


@transaction.atomic
def petitioner_reveal(*, petition: Petition, petitioner: Petitioner, user, reason: str) -> Petitioner:
    if not reason.strip():
        raise InvalidInput(_("Say why you need to see the full details."))
    visible = petitions_visible_to(user).filter(pk=petition.pk, petitioners=petitioner).exists()
    if not visible or not can_reveal(user, petition):
        raise NotAllowed(_("Your role may not see this person's full details."))
    RevealLog.objects.create(petitioner=petitioner, petition=petition, user=user, reason=reason.strip())
    return petitioner
