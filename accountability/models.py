"""Liaison joint meetings (联席会议) and their decisions, supervision by the discipline
committee (督办), accountability records (问责) and the app's append-only event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.states import (
    AccountabilityForm,
    AgendaReason,
    CandidateRule,
    DecisionState,
    EventKind,
    Level,
    MeetingState,
    SupervisionReason,
    SupervisionState,
)
from core.audit import accusation_data
from core.models import AppendOnlyModel, Town
from petitions.models import HandlingUnit, Petition
from petitions.states import Kind

USER = settings.AUTH_USER_MODEL


class Meeting(models.Model):
    """A town or district petition liaison joint meeting (信访工作联席会议)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("town"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.TOWN)
    date = models.DateField(_("date"))
    chair = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("chaired by")
    )
    secretary = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("secretary")
    )
    attendees = models.ManyToManyField(USER, blank=True, related_name="meetings", verbose_name=_("attendees"))
    other_attendees = models.TextField(_("other attendees"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liaison meeting")
        verbose_name_plural = _("liaison meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "level", "date"], name="one_meeting_per_level_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.date:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("petition")
    )
    reason = models.CharField(_("why on the agenda"), max_length=12, choices=AgendaReason.choices)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "petition"], name="petition_once_per_agenda"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.order} {self.petition_id}"


class Decision(models.Model):
    """What the meeting decided for one agenda item, tracked until it is carried out."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="decision", verbose_name=_("agenda item")
    )
    resolution = models.TextField(_("resolution path"))
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("responsible unit"),
    )
    leader = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("responsible leader"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.PENDING)
    decided_at = models.DateTimeField(_("decided at"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    outcome_note = models.TextField(_("how it was carried out"), blank=True)
    district_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_from",
        verbose_name=_("district agenda item"),
    )

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="decision_state_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="sent_to_district") | (Q(unit__isnull=False) & Q(deadline__isnull=False)),
                name="decision_has_unit_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.get_state_display()}"


class Supervision(models.Model):
    """Supervision by the discipline committee (督办) of a case or a unit."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("town"))
    petition = models.ForeignKey(
        Petition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name=_("petition"),
    )
    unit = models.ForeignKey(
        HandlingUnit, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("supervised unit")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=SupervisionReason.choices)
    description = models.TextField(_("what was found"))
    listed = models.BooleanField(_("listed supervision"), default=False)
    rectify_by = models.DateField(_("rectify by"))
    state = models.CharField(_("state"), max_length=10, choices=SupervisionState.choices, default=SupervisionState.OPEN)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"))
    reply = models.TextField(_("the unit's written reply"), blank=True)
    replied_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["town", "state", "listed"], name="supervision_town_state")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_reason_display()}"

    def get_additional_data(self) -> dict | None:
        return accusation_data(self.petition_id is not None and self.petition.kind == Kind.ACCUSATION)


class AccountabilityRecord(models.Model):
    """Who was held accountable, how and why (问责)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="accountability_records", verbose_name=_("person")
    )
    form = models.CharField(_("form"), max_length=24, choices=AccountabilityForm.choices)
    reason = models.TextField(_("reason"))
    petitions = models.ManyToManyField(
        Petition, blank=True, related_name="accountability_records", verbose_name=_("linked petitions")
    )
    supervision = models.ForeignKey(
        Supervision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("supervision"),
    )
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_form_display()}"

    def get_additional_data(self) -> dict | None:
        """An accountability record tied to an accusation: its audit entries are the inspectors'.
        While it is created its petitions are not linked yet; the service says so beforehand."""
        secret = getattr(self, "_for_accusation", None)
        if secret is None:
            secret = (
                self.supervision_id is not None
                and self.supervision.petition_id is not None
                and (self.supervision.petition.kind == Kind.ACCUSATION)
            ) or (self.pk is not None and self.petitions.filter(kind=Kind.ACCUSATION).exists())
        return accusation_data(secret)


class Event(AppendOnlyModel):
    """One change in this app, written in the transaction of the change; never edited."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    record = models.ForeignKey(
        AccountabilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    append_only_message = "The event log is append-only."

    class Meta:
        verbose_name = _("accountability event")
        verbose_name_plural = _("accountability events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class CandidateList(models.Model):
    """The discipline committee's candidates list of one town for one day, built once by
    the daily job (`accountability.tasks.build_candidate_lists`)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    day = models.DateField(_("day"))
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("candidates list")
        verbose_name_plural = _("candidates lists")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["town", "day"], name="one_candidate_list_per_town_and_day")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.day:%Y-%m-%d}"


class CandidateEntry(models.Model):
    """One case (or one meeting decision) a rule names on a day's list."""

    candidate_list = models.ForeignKey(CandidateList, on_delete=models.CASCADE, related_name="entries")
    rule = models.CharField(_("rule"), max_length=20, choices=CandidateRule.choices)
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="+", verbose_name=_("petition"))
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decision")
    )
    detail = models.CharField(_("detail"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["candidate_list", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_list", "rule", "petition"],
                condition=Q(decision__isnull=True),
                name="candidate_once_per_list_rule_petition",
            ),
            models.UniqueConstraint(
                fields=["candidate_list", "rule", "decision"],
                condition=Q(decision__isnull=False),
                name="candidate_once_per_list_rule_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_list} {self.rule} {self.petition_id}"
