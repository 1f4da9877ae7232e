from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Grid, Town, Village


class Patrol(models.Model):
    """One day's patrol of a grid worker (巡查日志)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("village"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("grid"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols")
    day = models.DateField(_("date"))
    route = models.CharField(_("route or places"), max_length=200)
    residents_met = models.PositiveSmallIntegerField(_("residents talked to"), default=0)
    policy_explained = models.TextField(_("law and policy explained"), blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["village", "day"], name="patrol_village_day")]

    def __str__(self) -> str:
        return f"{self.grid} {self.day}"


class Risk(models.Model):
    """A dispute or hazard found on patrol, and what became of it."""

    class Kind(models.TextChoices):
        LAND = "land", _("land and boundaries")
        NEIGHBOURS = "neighbours", _("neighbours")
        FAMILY = "family", _("marriage and family")
        WAGES = "wages", _("wages and labour")
        SAFETY = "safety", _("safety hazard")
        ENVIRONMENT = "environment", _("environment")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        MEDIATION = "mediation", _("sent to the mediation room")
        PETITION = "petition", _("turned into a petition")
        RESOLVED = "resolved", _("resolved on the spot")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="risks", verbose_name=_("village"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="risks", verbose_name=_("grid"))
    patrol = models.ForeignKey(Patrol, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("found on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    level = models.CharField(_("risk level"), max_length=8, choices=Level.choices)
    place = models.CharField(_("where"), max_length=200)
    parties = models.CharField(_("parties"), max_length=200, help_text=_("Who is involved, e.g. 张某与李某."))
    description = models.TextField(_("what is going on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    outcome = models.TextField(_("what was done"), blank=True)
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    mediation_case = models.ForeignKey(
        "mediation.MediationCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    client_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dispute or risk")
        verbose_name_plural = _("disputes and risks")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="risk_village_state")]

    def __str__(self) -> str:
        return f"{self.village} {self.get_kind_display()} {self.found_on}"
