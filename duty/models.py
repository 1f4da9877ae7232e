"""The village assessment scheme, the duty roster (领导带班, 领导接访日) and the staff cards of
people on model posts (党员示范岗). Written only through ``duty.services``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, Role, Town

POINTS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))]


def _points(label, default, help_text=""):
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, default=Decimal(default), validators=POINTS, help_text=help_text
    )


class AssessmentScheme(models.Model):
    """How a village's score is computed (``duty.assessment``), one per town, editable.

    score = 100 × Σ(weight × rate) ÷ Σ weights − repeat penalty × repeat petitions
    − skip-level penalty × skip-level petitions + min(risk bonus × risks found, bonus cap);
    a rate without a base (nothing to measure) counts as full marks; the score is never
    below 0."""

    town = models.OneToOneField(
        Town, on_delete=models.CASCADE, related_name="assessment_scheme", verbose_name=_("town")
    )
    weight_on_time = _points(_("weight of the on-time rate"), "30")
    weight_satisfaction = _points(_("weight of the satisfaction rate"), "30")
    weight_mediation = _points(_("weight of the mediation success rate"), "20")
    weight_defusal = _points(_("weight of the risk defusal rate"), "20")
    repeat_penalty = _points(_("points off per repeat petition"), "2")
    skip_level_penalty = _points(_("points off per skip-level petition"), "10")
    risk_bonus = _points(_("points per risk found"), "0.5", _("Rewards finding disputes early on patrol."))
    risk_bonus_cap = _points(_("most bonus points for risks found"), "5")
    red_min_score = _points(_("red list: lowest score"), "95")
    red_places = models.PositiveSmallIntegerField(
        _("red list: places"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Only villages ranked in these first places can be on the red list."),
    )
    black_below_score = _points(_("black list: score below"), "80")
    black_on_skip_level = models.BooleanField(
        _("black list: any skip-level petition"),
        default=True,
        help_text=_("A village with a skip-level petition in the period is on the black list whatever its score."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    WEIGHTS = ("weight_on_time", "weight_satisfaction", "weight_mediation", "weight_defusal")
    EDITABLE = (
        *WEIGHTS,
        "repeat_penalty",
        "skip_level_penalty",
        "risk_bonus",
        "risk_bonus_cap",
        "red_min_score",
        "red_places",
        "black_below_score",
        "black_on_skip_level",
    )

    class Meta:
        verbose_name = _("village assessment scheme")
        verbose_name_plural = _("village assessment schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_on_time__gt=0)
                | Q(weight_satisfaction__gt=0)
                | Q(weight_mediation__gt=0)
                | Q(weight_defusal__gt=0),
                name="assessment_scheme_has_a_weight",
                violation_error_message=_("At least one weight must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(red_min_score__gt=F("black_below_score")),
                name="assessment_red_above_black",
                violation_error_message=_("The red list's lowest score must be above the black list's threshold."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} · {self._meta.verbose_name}"

    @property
    def weight_total(self) -> Decimal:
        return sum((getattr(self, name) for name in self.WEIGHTS), Decimal("0"))

    def values(self) -> dict:
        """The editable values as JSON-safe text, for the change log."""
        out = {}
        for name in self.EDITABLE:
            value = getattr(self, name)
            out[name] = f"{Decimal(value).normalize():f}" if isinstance(value, Decimal | str) else value
        return out


def check_town_leader(town_id, leader) -> None:
    """The roster names only active town leaders of the roster's own town."""
    if leader is None:
        return  # the field's own "required" error says it
    if leader.role != Role.LEADER or not leader.is_active or leader.town_id != town_id:
        raise ValidationError({"leader": _("Choose an active town leader of this town.")})


class LeaderOnDuty(models.Model):
    """The town leader on duty for a day (领导带班): one per day."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    day = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_days",
        verbose_name=_("leader on duty"),
        limit_choices_to={"role": "leader", "is_active": True},
    )
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example where to find them."))

    class Meta:
        verbose_name = _("leader on duty")
        verbose_name_plural = _("leaders on duty")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "day"],
                name="one_leader_on_duty_per_day",
                violation_error_message=_("This day already has a leader on duty."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.leader}"

    def clean(self) -> None:
        super().clean()
        check_town_leader(self.town_id, self.leader if self.leader_id else None)


class ReceptionDay(models.Model):
    """A leader's reception day (领导接访日): residents come with their matters."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    day = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reception_days",
        verbose_name=_("receiving leader"),
        limit_choices_to={"role": "leader", "is_active": True},
    )
    place = models.CharField(_("place"), max_length=100)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    topic = models.CharField(_("topic"), max_length=100, blank=True, help_text=_("Leave empty for any matter."))

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["day", "starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="reception_ends_after_it_starts",
                violation_error_message=_("A reception ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["leader", "day", "starts"],
                name="one_reception_per_leader_and_start",
                violation_error_message=_("This leader already receives at that time."),
            ),
        ]
        indexes = [models.Index(fields=["town", "day"], name="reception_town_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.starts:%H:%M} {self.leader}"

    def clean(self) -> None:
        super().clean()
        check_town_leader(self.town_id, self.leader if self.leader_id else None)
        if not (self.leader_id and self.day and self.starts and self.ends):
            return
        overlapping = ReceptionDay.objects.filter(
            leader_id=self.leader_id, day=self.day, starts__lt=self.ends, ends__gt=self.starts
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(_("This leader already receives residents at that time."))


class Identity(models.TextChoices):
    PARTY_MEMBER = "party_member", _("Communist Party member")
    PROBATIONARY = "probationary", _("probationary party member")
    LEAGUE_MEMBER = "league_member", _("Communist Youth League member")
    NON_PARTY = "non_party", _("non-party")


class StaffCard(models.Model):
    """A member of staff on a model post (党员示范岗): identity, duty and commitment shown to
    the public (亮身份、亮职责、亮承诺)."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=60, help_text=_("For example 信访接待窗口."))
    identity = models.CharField(_("identity"), max_length=16, choices=Identity.choices, default=Identity.PARTY_MEMBER)
    duty = models.TextField(_("duty"), max_length=300)
    commitment = models.TextField(_("commitment"), max_length=300)
    photo = models.FileField(_("photo"), upload_to="duty/cards/", blank=True)
    photo_type = models.CharField(max_length=20, blank=True, editable=False)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("shown on the public page"), default=True)

    class Meta:
        verbose_name = _("staff card")
        verbose_name_plural = _("staff cards")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return f"{self.name} · {self.post}"


class DutyLog(AppendOnlyModel):
    """Who changed the roster, the cards or the assessment scheme, and how."""

    class Action(models.TextChoices):
        DUTY_ADD = "duty_add", _("leader on duty added")
        DUTY_CHANGE = "duty_change", _("leader on duty changed")
        DUTY_REMOVE = "duty_remove", _("leader on duty removed")
        RECEPTION_ADD = "reception_add", _("reception day added")
        RECEPTION_CHANGE = "reception_change", _("reception day changed")
        RECEPTION_REMOVE = "reception_remove", _("reception day removed")
        CARD_ADD = "card_add", _("staff card added")
        CARD_CHANGE = "card_change", _("staff card changed")
        CARD_REMOVE = "card_remove", _("staff card removed")
        SCHEME_CHANGE = "scheme_change", _("assessment scheme changed")

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=120)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    append_only_message = "The duty log is append-only."

    class Meta:
        verbose_name = _("duty and assessment log entry")
        verbose_name_plural = _("duty and assessment log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"
