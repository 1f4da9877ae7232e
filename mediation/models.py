"""The village mediation rooms (睦邻调解室), their members, cases, sessions and agreements."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import BlindIndexField, EncryptedCharField
from core.identity import MaskedIdentity, mask_phone, validate_id_number, validate_phone
from core.models import AppendOnlyModel, Town, Village
from mediation.states import (
    UNFINISHED_STATES,
    Action,
    CourtResult,
    DisputeKind,
    Gender,
    MemberKind,
    PartyRole,
    Performance,
    RiskLevel,
    Source,
    State,
)


class MediationRoom(models.Model):
    """One village's people's mediation committee and the room it works in."""

    village = models.OneToOneField(
        Village, on_delete=models.PROTECT, related_name="mediation_room", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("mediation room")
        verbose_name_plural = _("mediation rooms")
        ordering = ["village__code"]

    def __str__(self) -> str:
        return self.name


class RoomMemberQuerySet(models.QuerySet):
    def serving(self, on: date):
        """Members whose term covers the day (an open term has no end)."""
        return self.filter(Q(term_start__isnull=True) | Q(term_start__lte=on)).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on)
        )


class RoomMember(models.Model):
    """A member of the committee, shown with identity, duty and commitment (亮身份、亮职责、亮承诺)."""

    room = models.ForeignKey(MediationRoom, on_delete=models.PROTECT, related_name="members", verbose_name=_("room"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_memberships",
        verbose_name=_("staff account"),
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("identity"), max_length=20, choices=MemberKind.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    duty = models.TextField(_("duty"), blank=True)
    commitment = models.TextField(_("commitment"), blank=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = RoomMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation room member")
        verbose_name_plural = _("mediation room members")
        ordering = ["room", "-is_chair", "sort", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="member_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class MediationCounter(models.Model):
    """The last mediation case number handed out per town and year (DHK-TJ-2026-000123)."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="one_mediation_counter_per_town_year")]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}: {self.last}"


class MediationCase(models.Model):
    room = models.ForeignKey(MediationRoom, on_delete=models.PROTECT, related_name="cases", verbose_name=_("room"))
    tracking_number = models.CharField(_("case number"), max_length=24, unique=True)
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_cases",
        verbose_name=_("petition"),
    )
    dispute_kind = models.CharField(_("kind of dispute"), max_length=12, choices=DisputeKind.choices)
    risk_level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices, default=RiskLevel.LOW)
    summary = models.CharField(_("summary"), max_length=100)
    facts = models.TextField(_("facts"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REGISTERED)
    mediators = models.ManyToManyField(RoomMember, blank=True, related_name="cases", verbose_name=_("mediators"))
    mediators_chosen_by_parties = models.BooleanField(_("mediators chosen by the parties"), default=False)
    invited_helpers = models.TextField(
        _("invited helpers"),
        blank=True,
        help_text=_("Relatives, neighbours or experts invited to help, with the parties' consent."),
    )

    police_flagged_at = models.DateTimeField(_("reported to the police at"), null=True, blank=True)
    police_flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    police_flag_reason = models.TextField(_("reason for the police report"), blank=True)

    outcome_note = models.TextField(_("outcome"), blank=True)
    referred_to = models.ForeignKey(
        "petitions.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_mediation_cases",
        verbose_name=_("referred to"),
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("mediation ended at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["room", "state"], name="mediation_room_state"),
            models.Index(fields=["registered_at"], name="mediation_registered_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="petition", petition__isnull=False)
                | (~Q(source="petition") & Q(petition__isnull=True)),
                name="mediation_petition_iff_source_petition",
            ),
            # One unfinished mediation per petition.
            models.UniqueConstraint(
                fields=["petition"],
                condition=Q(state__in=[state.value for state in UNFINISHED_STATES]),
                name="one_unfinished_mediation_per_petition",
            ),
            models.CheckConstraint(
                condition=Q(police_flagged_at__isnull=True) | ~Q(police_flag_reason=""),
                name="police_flag_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        from mediation.states import OPEN_STATES

        return self.state in OPEN_STATES

    @property
    def police_flagged(self) -> bool:
        return self.police_flagged_at is not None


class Party(MaskedIdentity, models.Model):
    """A party to the dispute. Shown masked on screens, like a petitioner."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("side"), max_length=10, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=50)
    # Encrypted at rest; found by exact value through the keyed hashes (core/crypto.py).
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    id_number = EncryptedCharField(_("ID card number"), max_length=18, blank=True, validators=[validate_id_number])
    phone_hash = BlindIndexField(source="phone", kind="phone")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    address = models.CharField(_("address"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.masked_name


class MediationSession(models.Model):
    """One mediation session: the work record (调解工作记录) the law requires."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    present = models.TextField(_("present"))
    record = models.TextField(_("what was said"))
    agreed = models.TextField(_("what was agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    """The written mediation agreement (调解协议书). It takes effect when the parties and the
    mediator sign; the parties may jointly ask a court to confirm it within 30 days."""

    case = models.OneToOneField(MediationCase, on_delete=models.PROTECT, related_name="agreement")
    facts = models.TextField(_("facts and the main points of the dispute"))
    terms = models.TextField(_("what was agreed"))
    unresolved = models.TextField(_("what remains unresolved"), blank=True)
    performance_method = models.TextField(_("how it is carried out"))
    performance_deadline = models.DateField(_("carried out by"))
    signed_at = models.DateTimeField(_("signed (takes effect) at"))
    judicial_confirmation_due = models.DateField(_("judicial confirmation to be requested by"))
    court_result = models.CharField(
        _("judicial confirmation"), max_length=14, choices=CourtResult.choices, default=CourtResult.NOT_REQUESTED
    )
    court_applied_on = models.DateField(_("applied to the court on"), null=True, blank=True)
    court_result_at = models.DateField(_("court decided on"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(court_result__in=["confirmed", "refused"]) | Q(court_result_at__isnull=False),
                name="court_result_has_date",
            ),
            models.CheckConstraint(
                condition=Q(court_result="not_requested") | Q(court_applied_on__isnull=False),
                name="court_request_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}"


class AgreementTerm(models.Model):
    """One undertaking of the agreement, followed up by the committee."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="undertakings", verbose_name=_("party")
    )
    text = models.TextField(_("undertaking"))
    due = models.DateField(_("due"), null=True, blank=True)
    performance = models.CharField(
        _("performance"), max_length=8, choices=Performance.choices, default=Performance.PENDING
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    check_note = models.TextField(_("follow-up note"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("agreement term")
        verbose_name_plural = _("agreement terms")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class CaseEvent(AppendOnlyModel):
    """One action on a mediation case. Written in the transaction of the change; never edited."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    note = models.TextField(_("note"), blank=True)

    append_only_message = "The case history is append-only."

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class IdentityReveal(AppendOnlyModel):
    """Every print of the agreement with the parties' full ID card numbers and phones (the
    copy they sign): who, when and why, like every other reveal of personal data."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="identity_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200)

    append_only_message = "The reveal log is append-only."

    class Meta:
        verbose_name = _("reveal of parties' identity")
        verbose_name_plural = _("reveals of parties' identity")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.at:%Y-%m-%d %H:%M}"
