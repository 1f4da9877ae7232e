"""Petitions (诉求/信访事项), who brought them, who handles them, and their timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import accusation_data
from core.crypto import BlindIndexField, EncryptedCharField
from core.identity import MaskedIdentity, validate_id_number, validate_phone
from core.models import AppendOnlyModel, Grid, Town, Village
from petitions.states import Action, Channel, Kind, Mode, Origin, Outcome, Satisfaction, State


class HandlingUnit(models.Model):
    """Who handles a petition (承办单位): a village, a town office, one of the centres, or
    the discipline committee."""

    class UnitKind(models.TextChoices):
        VILLAGE = "village", _("village")
        OFFICE = "office", _("town office")
        CENTRE = "centre", _("station or centre")
        DISCIPLINE = "discipline", _("discipline committee")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="units", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    village = models.OneToOneField(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="unit", verbose_name=_("village")
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
        verbose_name=_("head"),
        help_text=_("Approves extensions of the time limit."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="handling_units", verbose_name=_("members")
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="unit_name_unique_in_town"),
            models.CheckConstraint(
                condition=Q(kind="village", village__isnull=False) | (~Q(kind="village") & Q(village__isnull=True)),
                name="unit_village_iff_village_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """Two-level problem category (问题类别)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories have two levels only.")})


class ResponsibilityRule(models.Model):
    """Who answers for a matter by default (谁主管谁负责): the handling unit and the responsible
    leader (包案领导) for a category (a leaf, or a whole top-level category) in a village, or
    for any village or any category. The most specific rule wins: category and village, then
    category, then village, then the town's fallback. The desk sees the default on intake and
    may choose another leader with a reason."""

    town = models.ForeignKey(
        Town, on_delete=models.CASCADE, related_name="responsibility_rules", verbose_name=_("town")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Empty: any category."),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
        help_text=_("Empty: any village."),
    )
    unit = models.ForeignKey(
        "HandlingUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible leader"),
        limit_choices_to={"role": "leader"},
    )

    class Meta:
        verbose_name = _("responsibility rule")
        verbose_name_plural = _("responsibility rules")
        ordering = ["town", "category__sort", "village__code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "category", "village"], name="one_rule_per_category_village"),
            models.UniqueConstraint(
                fields=["town", "category"], condition=Q(village__isnull=True), name="one_rule_per_category"
            ),
            models.UniqueConstraint(
                fields=["town", "village"], condition=Q(category__isnull=True), name="one_rule_per_village"
            ),
            models.UniqueConstraint(
                fields=["town"], condition=Q(category__isnull=True, village__isnull=True), name="one_fallback_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or _('any category')} · {self.village or _('any village')} → {self.unit}"

    def clean(self) -> None:
        errors = {}
        if self.village_id and self.town_id and self.village.town_id != self.town_id:
            errors["village"] = _("The village must lie in the rule's town.")
        if self.unit_id and self.town_id and self.unit.town_id != self.town_id:
            errors["unit"] = _("Choose a handling unit of this town.")
        if self.leader_id and (self.leader.role != "leader" or self.leader.town_id != self.town_id):
            errors["leader"] = _("The responsible leader must be a leader of this town.")
        if errors:
            raise ValidationError(errors)


class TimeLimit(models.Model):
    """The legal time limits, editable by an administrator. Defaults follow the 2022
    Regulations on Petition Work (信访工作条例)."""

    class Key(models.TextChoices):
        ROUTE = "route", _("register and route (Art. 22)")
        NOTIFY = "notify", _("written notice to the petitioner (Art. 23)")
        OBJECT = "object", _("objection to a misrouted matter (Art. 23)")
        HANDLE = "handle", _("handle from acceptance (Art. 34)")
        EXTENSION = "extension", _("longest extension (Art. 34)")
        REVIEW_REQUEST = "review_request", _("ask for review after the reply (Art. 35)")
        REVIEW_ANSWER = "review_answer", _("answer a review (Art. 35)")
        RE_REVIEW_REQUEST = "re_review_request", _("ask for re-review (Art. 36)")
        RE_REVIEW_ANSWER = "re_review_answer", _("answer a re-review (Art. 36)")
        REDO = "redo", _("redo after a justified dissatisfaction")
        AMBER = "amber", _("warn this many days before a deadline")

    key = models.CharField(_("time limit"), max_length=20, choices=Key.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("working days"), default=False)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.days}"


class Petitioner(MaskedIdentity, models.Model):
    """A person who brought a petition. Shown masked unless revealed (and logged)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="petitioners", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=50)
    # Encrypted at rest; found by exact value through the keyed hashes (core/crypto.py).
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_number = EncryptedCharField(_("ID card number"), max_length=18, blank=True, validators=[validate_id_number])
    phone_hash = BlindIndexField(source="phone", kind="phone")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Set when the retention period removed the person's details (manage.py anonymise_closed).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    village = models.ForeignKey(
        Village, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        indexes = [models.Index(fields=["name"], name="petitioner_name")]  # the case list's search by name

    def __str__(self) -> str:
        return self.masked_name

    def get_additional_data(self) -> dict | None:
        """Audit entries of an accuser's own row are the inspectors' (set while registering)."""
        return accusation_data(getattr(self, "_for_accusation", False))


class TrackingCounter(models.Model):
    """The last tracking number handed out per town, series and year: DHK-2026-000123 for
    petitions, DHK-JK-2026-000012 for accusations (检举控告). Accusations are numbered apart
    so that no gap in the public series tells which numbers are accusations."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=4, blank=True, default="")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "series", "year"], name="one_counter_per_town_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.series or '-'}/{self.year}: {self.last}"


ACCUSATION_SERIES = "JK"


def tracking_series(kind: str) -> str:
    return ACCUSATION_SERIES if kind == Kind.ACCUSATION else ""


def format_tracking_number(prefix: str, series: str, year: int, number: int) -> str:
    return f"{prefix}-{series}-{year}-{number:06d}" if series else f"{prefix}-{year}-{number:06d}"


class Petition(models.Model):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("town"))
    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True)
    query_code = models.CharField(_("query code"), max_length=12)
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices, default=Origin.DIRECT)
    upstream_reference = models.CharField(_("upstream reference"), max_length=60, blank=True)
    upstream_due = models.DateField(_("upstream due date"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("category")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions", verbose_name=_("village")
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions", verbose_name=_("grid")
    )
    title = models.CharField(_("summary"), max_length=100)
    content = models.TextField(_("content"))
    request = models.TextField(_("the petitioner's request"), blank=True)
    oral = models.BooleanField(_("oral petition written down"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    headcount = models.PositiveSmallIntegerField(_("number of people"), default=1)

    is_collective = models.BooleanField(_("collective"), default=False)
    is_repeat = models.BooleanField(_("repeat"), default=False)
    is_skip_level = models.BooleanField(_("skip-level"), default=False)
    is_key_matter = models.BooleanField(_("key matter"), default=False)
    is_public_interest = models.BooleanField(_("public interest"), default=False)
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats", verbose_name=_("repeat of")
    )

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REGISTERED)
    mode = models.CharField(_("handling mode"), max_length=10, choices=Mode.choices, blank=True)
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("handling unit"),
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_petitions",
        verbose_name=_("responsible leader"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_petitions",
        verbose_name=_("handler"),
    )

    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route_due = models.DateField(_("route by"))
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    notify_due = models.DateField(_("notify by"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    object_due = models.DateField(_("object by"), null=True, blank=True)
    report_due = models.DateField(_("completion report due"), null=True, blank=True)
    handle_due = models.DateField(_("handle by"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    redo_count = models.PositiveSmallIntegerField(_("times redone"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned as misrouted"), default=0)
    escalated_at = models.DateTimeField(_("escalated to the town at"), null=True, blank=True)
    escalation_reason = models.TextField(_("why the village could not solve it"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    transfer_destination = models.CharField(_("transferred to"), max_length=100, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    review_answered_at = models.DateTimeField(_("review answered at"), null=True, blank=True)
    re_review_requested_at = models.DateTimeField(_("re-review requested at"), null=True, blank=True)
    re_review_due = models.DateField(_("re-review due"), null=True, blank=True)
    re_review_answered_at = models.DateTimeField(_("re-review answered at"), null=True, blank=True)

    next_due = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    # The light and deadline the daily sweep last alerted about, so each turn is told once.
    alerted_light = models.CharField(_("alerted light"), max_length=5, blank=True)
    alerted_due = models.DateField(_("alerted deadline"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    petitioners = models.ManyToManyField(
        Petitioner, through="PetitionPetitioner", related_name="petitions", verbose_name=_("petitioners")
    )

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["town", "state", "next_due"], name="petition_town_state_due"),
            models.Index(fields=["village", "state"], name="petition_village_state"),
            models.Index(fields=["unit", "state"], name="petition_unit_state"),
            models.Index(fields=["registered_at"], name="petition_registered_at"),
            # The lists' order (newest first), for pages of any filter and the API.
            models.Index(fields=["-registered_at", "-id"], name="petition_recent"),
            # A village's open cases, newest first: the list the village and the desk open most.
            models.Index(
                fields=["village", "-registered_at", "-id"],
                condition=Q(state__in=["registered", "handling", "replied", "under_review", "under_re_review"]),
                name="petition_open_village_recent",
            ),
        ]
        # PostgreSQL also has trigram indexes on the title and the content for the keyword
        # search (migration 0011; nothing on SQLite).
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1), name="petition_headcount_positive"),
            models.CheckConstraint(condition=Q(extension_days__lte=366), name="petition_extension_bounded"),
            models.CheckConstraint(
                condition=~Q(origin="assigned") | ~Q(upstream_reference=""),
                name="assigned_petition_has_upstream_reference",
            ),
            # One case per upstream case: an assignment from above sent twice finds the first.
            models.UniqueConstraint(
                fields=["town", "upstream_reference"],
                condition=~Q(upstream_reference=""),
                name="upstream_reference_unique_in_town",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def get_additional_data(self) -> dict | None:
        return accusation_data(self.kind == Kind.ACCUSATION)

    @property
    def is_open(self) -> bool:
        from petitions.states import OPEN_STATES

        return self.state in OPEN_STATES


class PetitionPetitioner(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="links")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="links")
    is_representative = models.BooleanField(_("representative"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "petitioner"], name="petitioner_once_per_petition"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}/{self.petitioner_id}"

    def get_additional_data(self) -> dict | None:
        return accusation_data(self.petition.kind == Kind.ACCUSATION)


class TimelineEntry(AppendOnlyModel):
    """One action on a petition. Written in the transaction of the change; never edited."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=60, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the resident"), default=False)

    append_only_message = "The timeline is append-only."

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"petitions/{instance.petition.registered_at:%Y/%m}/{instance.petition.tracking_number}/{filename}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    public = models.BooleanField(_("shown to the resident"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict | None:
        return accusation_data(self.petition.kind == Kind.ACCUSATION)


class RevealLog(models.Model):
    """Every time someone sees a petitioner's unmasked phone or ID number."""

    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="reveals")
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("reveal of personal data")
        verbose_name_plural = _("reveals of personal data")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
