"""The case list's body, kept in the shared cache per user and filter until something it shows
changes (issue 10: a desk clerk goes back to the same list after every case).

A cached body is used only while its town's *generation* is the one it was drawn under. The
generation is a random token in the cache, replaced — at once and again after the change
commits, so no reader caches a body drawn before the commit under the new token — whenever a
row the list reads or searches is saved or deleted: petitions, petitioners and their links,
and the names and rules the rows show (villages, grids, categories, units, users, time
limits, the work-day calendar). Writes that bypass the signals (``QuerySet.update``, COPY)
call ``bump`` themselves. The key holds the user (what they may see), the language, the day
(the lights turn with it) and the query string; a body lives at most CASE_LIST_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language


def _generation_key(town_id) -> str:
    return f"caselist-generation:{town_id}"


def _body_key(request) -> str:
    user = request.user
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
    return f"caselist:{user.town_id}:{user.pk}:{get_language()}:{timezone.localdate().isoformat()}:{digest}"


def enabled(request) -> bool:
    # A user of no town (a superuser) sees every town's petitions: no one token covers them.
    return settings.CASE_LIST_CACHE_SECONDS > 0 and request.user.town_id is not None


@dataclass(frozen=True)
class Lookup:
    body: str | None  # the cached body, when nothing has changed since it was drawn
    key: str | None  # None: no cache for this user
    generation: str | None  # the one to store a freshly drawn body under


def lookup(request) -> Lookup:
    """The cached body of this user's list for this query if nothing has changed since, and
    the town's generation, read here, *before* the list's rows: a change committed while
    they are read replaces it, so a body drawn from older rows is never taken for the newer
    generation. One round trip to the cache (two when the town has no generation yet)."""
    if not enabled(request):
        return Lookup(None, None, None)
    body_key, generation_key = _body_key(request), _generation_key(request.user.town_id)
    found = cache.get_many([body_key, generation_key])
    generation = found.get(generation_key)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(generation_key, generation, None):
            generation = cache.get(generation_key)
    hit = found.get(body_key)
    return Lookup(hit[1] if hit is not None and hit[0] == generation else None, body_key, generation)


def put(looked_up: Lookup, body: str) -> None:
    if looked_up.key is not None and looked_up.generation is not None:
        cache.set(looked_up.key, (looked_up.generation, body), settings.CASE_LIST_CACHE_SECONDS)


def bump(town_id=None) -> None:
    """Every cached list of the town (of every town when None) is stale from now on."""
    if town_id is None:
        from core.models import Town

        keys = [_generation_key(pk) for pk in Town.objects.values_list("pk", flat=True)]
    else:
        keys = [_generation_key(town_id)]

    def replace() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)

    replace()
    transaction.on_commit(replace)


def _changed(sender, instance, **kwargs) -> None:
    town_id = getattr(instance, "town_id", None)
    if town_id is None and hasattr(instance, "petition_id"):
        town_id = getattr(instance.petition, "town_id", None) if instance.petition_id else None
    if town_id is None and hasattr(instance, "village_id"):
        town_id = getattr(getattr(instance, "village", None), "town_id", None)
    bump(town_id)


def _members_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        bump(getattr(instance, "town_id", None))


def connect() -> None:
    """Called from PetitionsConfig.ready()."""
    from core.models import CalendarDay, Grid, User, Village
    from petitions.models import (
        Category,
        HandlingUnit,
        Petition,
        Petitioner,
        PetitionPetitioner,
        TimeLimit,
    )

    shown = (Petition, Petitioner, PetitionPetitioner, Village, Grid, Category, HandlingUnit, User)
    for model in (*shown, TimeLimit, CalendarDay):  # and what the lights are computed from
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"petitions.listcache.save.{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"petitions.listcache.delete.{name}")
    # Who belongs to a unit decides what a handler sees.
    members = HandlingUnit.members.through
    m2m_changed.connect(_members_changed, sender=members, dispatch_uid="petitions.listcache.members")
