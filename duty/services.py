"""Every change to the roster, the staff cards and the assessment scheme: keyword-only,
checked for role, town and input, written with its ``DutyLog`` row in one transaction.

``actor=None`` is the system (the demo seed); every page passes the signed-in user."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.models import Town
from duty import permissions as perms
from duty.models import AssessmentScheme, DutyLog, Identity, LeaderOnDuty, ReceptionDay, StaffCard
from petitions.attachments import MAX_BYTES, clean_image, sniff
from petitions.errors import InvalidInput, NotAllowed

MAX_PHOTO_BYTES = MAX_BYTES


def _log(*, town: Town, actor, action: str, subject: str, before: dict | None = None, after: dict | None = None):
    DutyLog.objects.create(
        town=town,
        at=timezone.now(),
        actor=actor,
        action=action,
        subject=subject[:120],
        before=before or {},
        after=after or {},
    )


def _check_actor(actor, town: Town, allowed) -> None:
    """Role and town; administrators (superusers, also in the admin) reach every town."""
    if actor is None:
        return
    if not allowed(actor) or not (actor.is_superuser or actor.town_id == town.pk):
        raise NotAllowed(_("You may not change this."))


def _clean(obj) -> None:
    """The model's own rules (lengths, choices, constraints) as InvalidInput, each field's
    message after the field's name."""
    try:
        obj.full_clean(exclude=["town"])
    except ValidationError as exc:
        parts = []
        for name, messages in exc.message_dict.items():
            label = "" if name == NON_FIELD_ERRORS else f"{capfirst(obj._meta.get_field(name).verbose_name)}: "
            parts += [f"{label}{m}" for m in messages]
        raise InvalidInput(" ".join(parts)) from exc


# --- Leader on duty (领导带班) -------------------------------------------------------------------


def _duty_values(duty: LeaderOnDuty) -> dict:
    return {"day": duty.day.isoformat(), "leader": duty.leader.display_name, "note": duty.note}


@transaction.atomic
def duty_add(*, town: Town, actor, day: date, leader, note: str = "") -> LeaderOnDuty:
    """Put a leader on duty for a day that has none yet."""
    _check_actor(actor, town, perms.can_manage_roster)
    duty = LeaderOnDuty(town=town, day=day, leader=leader, note=note.strip())
    if LeaderOnDuty.objects.filter(town=town, day=day).exists():
        raise InvalidInput(_("%(day)s already has a leader on duty: change that entry instead.") % {"day": day})
    _clean(duty)
    try:
        with transaction.atomic():
            duty.save()
    except IntegrityError as exc:  # somebody else filled the day in the meantime
        raise InvalidInput(
            _("%(day)s already has a leader on duty: change that entry instead.") % {"day": day}
        ) from exc
    _log(town=town, actor=actor, action=DutyLog.Action.DUTY_ADD, subject=str(day), after=_duty_values(duty))
    return duty


@transaction.atomic
def duty_fill_month(*, town: Town, actor, first: date, leaders: list) -> list[LeaderOnDuty]:
    """Put ``leaders`` on duty in turn on every day of the month of ``first`` that has no
    leader on duty yet; the days already filled stay as they are."""
    _check_actor(actor, town, perms.can_manage_roster)
    if not leaders:
        raise InvalidInput(_("Choose at least one leader."))
    first = first.replace(day=1)
    end = (first + timedelta(days=32)).replace(day=1)
    taken = set(LeaderOnDuty.objects.filter(town=town, day__gte=first, day__lt=end).values_list("day", flat=True))
    free = [first + timedelta(days=n) for n in range((end - first).days) if first + timedelta(days=n) not in taken]
    return [duty_add(town=town, actor=actor, day=day, leader=leaders[i % len(leaders)]) for i, day in enumerate(free)]


@transaction.atomic
def duty_change(*, duty: LeaderOnDuty, actor, leader, note: str = "") -> LeaderOnDuty:
    duty = LeaderOnDuty.objects.select_for_update().select_related("town", "leader").get(pk=duty.pk)
    _check_actor(actor, duty.town, perms.can_manage_roster)
    before = _duty_values(duty)
    duty.leader, duty.note = leader, note.strip()
    _clean(duty)
    duty.save(update_fields=["leader", "note"])
    _log(
        town=duty.town,
        actor=actor,
        action=DutyLog.Action.DUTY_CHANGE,
        subject=str(duty.day),
        before=before,
        after=_duty_values(duty),
    )
    return duty


@transaction.atomic
def duty_remove(*, duty: LeaderOnDuty, actor) -> None:
    duty = LeaderOnDuty.objects.select_for_update().select_related("town", "leader").get(pk=duty.pk)
    _check_actor(actor, duty.town, perms.can_manage_roster)
    before = _duty_values(duty)
    duty.delete()
    _log(town=duty.town, actor=actor, action=DutyLog.Action.DUTY_REMOVE, subject=before["day"], before=before)


# --- Reception days (领导接访日) -----------------------------------------------------------------


def _reception_values(r: ReceptionDay) -> dict:
    return {
        "day": r.day.isoformat(),
        "leader": r.leader.display_name,
        "place": r.place,
        "starts": r.starts.strftime("%H:%M"),
        "ends": r.ends.strftime("%H:%M"),
        "topic": r.topic,
    }


def _check_reception(reception: ReceptionDay) -> None:
    """The model's rules (a town leader, ends after it starts, no overlap for the leader)."""
    _clean(reception)


@transaction.atomic
def reception_add(
    *, town: Town, actor, day: date, leader, place: str, starts: time, ends: time, topic: str = ""
) -> ReceptionDay:
    _check_actor(actor, town, perms.can_manage_roster)
    reception = ReceptionDay(
        town=town, day=day, leader=leader, place=place.strip(), starts=starts, ends=ends, topic=topic.strip()
    )
    _check_reception(reception)
    reception.save()
    _log(
        town=town,
        actor=actor,
        action=DutyLog.Action.RECEPTION_ADD,
        subject=f"{day} {starts:%H:%M}",
        after=_reception_values(reception),
    )
    return reception


@transaction.atomic
def reception_change(
    *, reception: ReceptionDay, actor, day: date, leader, place: str, starts: time, ends: time, topic: str = ""
) -> ReceptionDay:
    reception = ReceptionDay.objects.select_for_update().select_related("town", "leader").get(pk=reception.pk)
    _check_actor(actor, reception.town, perms.can_manage_roster)
    before = _reception_values(reception)
    reception.day, reception.leader, reception.place = day, leader, place.strip()
    reception.starts, reception.ends, reception.topic = starts, ends, topic.strip()
    _check_reception(reception)
    reception.save()
    _log(
        town=reception.town,
        actor=actor,
        action=DutyLog.Action.RECEPTION_CHANGE,
        subject=f"{day} {starts:%H:%M}",
        before=before,
        after=_reception_values(reception),
    )
    return reception


@transaction.atomic
def reception_remove(*, reception: ReceptionDay, actor) -> None:
    reception = ReceptionDay.objects.select_for_update().select_related("town", "leader").get(pk=reception.pk)
    _check_actor(actor, reception.town, perms.can_manage_roster)
    before = _reception_values(reception)
    reception.delete()
    _log(
        town=reception.town,
        actor=actor,
        action=DutyLog.Action.RECEPTION_REMOVE,
        subject=f"{before['day']} {before['starts']}",
        before=before,
    )


# --- Staff cards (党员示范岗) -------------------------------------------------------------------

CARD_FIELDS = ("name", "post", "identity", "duty", "commitment", "sort", "active")


def _card_values(card: StaffCard) -> dict:
    return {**{f: getattr(card, f) for f in CARD_FIELDS}, "photo": bool(card.photo)}


def _attach_photo(card: StaffCard, upload) -> None:
    """Store a photo re-encoded and without its EXIF block; only JPEG, PNG and WebP."""
    if upload.size > MAX_PHOTO_BYTES:
        raise InvalidInput(_("A photo may be at most 10 MB."))
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or not kind[0].startswith("image/"):
        raise InvalidInput(_("Only photos (JPEG, PNG, WebP) can be used."))
    content_type, extension = kind
    content = clean_image(upload, content_type, keep_metadata=False)
    if card.photo:
        card.photo.delete(save=False)
    card.photo_type = content_type
    card.photo.save(f"card{extension}", content, save=False)


def _set_card(card: StaffCard, values: dict) -> None:
    for field in CARD_FIELDS:
        if field in values:
            value = values[field]
            setattr(card, field, value.strip() if isinstance(value, str) else value)
    if card.identity not in Identity.values:
        raise InvalidInput(_("Choose an identity from the list."))
    if not (card.name and card.post and card.duty and card.commitment):
        raise InvalidInput(_("Name, post, duty and commitment are all needed."))


@transaction.atomic
def card_add(*, town: Town, actor, values: dict, photo=None) -> StaffCard:
    """``values``: name, post, identity, duty, commitment and optionally sort, active."""
    _check_actor(actor, town, perms.can_manage_roster)
    card = StaffCard(town=town)
    _set_card(card, values)
    _clean(card)
    if photo is not None:
        _attach_photo(card, photo)
    card.save()
    _log(town=town, actor=actor, action=DutyLog.Action.CARD_ADD, subject=str(card), after=_card_values(card))
    return card


@transaction.atomic
def card_change(*, card: StaffCard, actor, values: dict, photo=None, remove_photo: bool = False) -> StaffCard:
    card = StaffCard.objects.select_for_update().select_related("town").get(pk=card.pk)
    _check_actor(actor, card.town, perms.can_manage_roster)
    before = _card_values(card)
    _set_card(card, values)
    _clean(card)
    if photo is not None:
        _attach_photo(card, photo)
    elif remove_photo and card.photo:
        card.photo.delete(save=False)
        card.photo_type = ""
    card.save()
    _log(
        town=card.town,
        actor=actor,
        action=DutyLog.Action.CARD_CHANGE,
        subject=str(card),
        before=before,
        after=_card_values(card),
    )
    return card


@transaction.atomic
def card_remove(*, card: StaffCard, actor) -> None:
    card = StaffCard.objects.select_for_update().select_related("town").get(pk=card.pk)
    _check_actor(actor, card.town, perms.can_manage_roster)
    before = _card_values(card)
    subject = str(card)
    photo = card.photo.name if card.photo else ""
    card.delete()
    _log(town=card.town, actor=actor, action=DutyLog.Action.CARD_REMOVE, subject=subject, before=before)
    if photo:
        storage = StaffCard._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(photo))


# --- The assessment scheme ---------------------------------------------------------------------


@transaction.atomic
def scheme_update(*, town: Town, actor, values: dict) -> AssessmentScheme:
    """Change the weights and the red and black list rules. Missing keys keep their value."""
    _check_actor(actor, town, perms.can_edit_scheme)
    scheme, _created = AssessmentScheme.objects.select_for_update().get_or_create(town=town)
    before = scheme.values()
    for name in AssessmentScheme.EDITABLE:
        if name in values:
            setattr(scheme, name, values[name])
    if scheme.weight_total <= 0:
        raise InvalidInput(_("At least one weight must be above zero."))
    if scheme.red_min_score <= scheme.black_below_score:
        raise InvalidInput(_("The red list's lowest score must be above the black list's threshold."))
    _clean(scheme)
    scheme.updated_by = actor
    scheme.save()
    after = scheme.values()
    if after != before:
        _log(
            town=town,
            actor=actor,
            action=DutyLog.Action.SCHEME_CHANGE,
            subject=str(scheme),
            before=before,
            after=after,
        )
    return scheme
