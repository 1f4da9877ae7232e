"""The town, its villages and grids, and the people who work the desk."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

town_code_validator = RegexValidator(r"^\d{9}$", _("A town code has 9 digits."))
village_code_validator = RegexValidator(r"^\d{12}$", _("A village code has 12 digits."))
prefix_validator = RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital letters."))


class Town(models.Model):
    """A township (镇/乡/街道). One deployment can serve several towns of a district."""

    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("official code"), max_length=9, unique=True, validators=[town_code_validator])
    county = models.CharField(_("county or district"), max_length=50, blank=True)
    tracking_prefix = models.CharField(
        _("tracking-number prefix"),
        max_length=6,
        unique=True,
        validators=[prefix_validator],
        help_text=_("Petition numbers look like PREFIX-2026-000123."),
    )
    hotline = models.CharField(_("convenience hotline"), max_length=30, blank=True)
    report_phone = models.CharField(_("report phone"), max_length=30, blank=True)
    report_email = models.EmailField(_("report e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A village committee (村委会) or residents' committee (居委会/街)."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNITY = "community", _("residents' committee")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages", verbose_name=_("town"))
    code = models.CharField(_("official code"), max_length=12, unique=True, validators=[village_code_validator])
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VILLAGE)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="village_name_unique_in_town")]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        """长岭村委会 → 长岭村; 街道居委会 stays as it is."""
        if self.name.endswith("村委会"):
            return self.name.removesuffix("委会")
        return self.name


class Grid(models.Model):
    """A grid (网格): the patch of a village one grid worker walks."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="grids", verbose_name=_("village"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    area = models.CharField(_("area covered"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["village__code", "number"]
        constraints = [models.UniqueConstraint(fields=["village", "number"], name="grid_number_unique_in_village")]

    def __str__(self) -> str:
        return f"{self.village.short_name} {self.name}"


class Role(models.TextChoices):
    DESK_CLERK = "desk_clerk", _("desk clerk")
    GRID_WORKER = "grid_worker", _("grid worker")
    VILLAGE_AGENT = "village_agent", _("village petition agent")
    MEDIATOR = "mediator", _("mediator")
    HANDLER = "handler", _("handling unit staff")
    LEADER = "leader", _("town leader")
    INSPECTOR = "inspector", _("discipline inspector")
    ADMIN = "admin", _("administrator")


# Roles whose work is bound to one village; grid workers also to one grid of it.
# A tuple, not a set: the constraint below is written into a migration and must not
# change order between runs.
VILLAGE_ROLES = (Role.GRID_WORKER, Role.VILLAGE_AGENT, Role.MEDIATOR)


class User(AbstractUser):
    """A member of staff. Residents have no account."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DESK_CLERK)
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("town")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("village")
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("grid")
    )
    title = models.CharField(_("post"), max_length=50, blank=True, help_text=_("For example 镇党委书记 or 网格长."))

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[role.value for role in VILLAGE_ROLES]) | Q(village__isnull=False),
                name="village_role_has_village",
                violation_error_message=_("Grid workers, village agents and mediators belong to a village."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.GRID_WORKER) | Q(grid__isnull=False),
                name="grid_worker_has_grid",
                violation_error_message=_("A grid worker belongs to a grid."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.grid_id and self.village_id and self.grid.village_id != self.village_id:
            raise ValidationError({"grid": _("The grid must lie in the staff member's village.")})
        if self.village_id and self.town_id and self.village.town_id != self.town_id:
            raise ValidationError({"village": _("The village must lie in the staff member's town.")})

    @property
    def masked_phone(self) -> str:
        from core.identity import mask_phone

        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_username()

    @property
    def is_village_scoped(self) -> bool:
        return self.role in VILLAGE_ROLES


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(self.model.append_only_message)

    def delete(self):
        raise TypeError(self.model.append_only_message)


class AppendOnlyModel(models.Model):
    """A record written once, in the transaction of the change it reports, and never edited
    or deleted (timelines, case histories, event logs)."""

    append_only_message = "This record is append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(self.append_only_message)


class JobHeartbeat(models.Model):
    """Written by the scheduled heartbeat job: shows that the job runner is alive."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("job runner heartbeat")
        verbose_name_plural = _("job runner heartbeats")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule, as the State Council announces each year:
    a public holiday (on any day of the week) or a make-up working day (调休上班, always a
    Saturday or Sunday). ``core.workdays`` counts working days from these rows."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 春节 or 国庆节."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        label = f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
        return f"{label} ({self.name})" if self.name else label

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("A make-up working day falls on a Saturday or a Sunday.")})


class NotificationKind(models.TextChoices):
    """What a notification is about; each user chooses per kind whether it also goes by
    e-mail or SMS (the in-app inbox always gets it)."""

    GENERAL = "general", _("general")
    CASE = "case", _("cases assigned or changed")
    DEADLINE = "deadline", _("deadlines turning amber or red")
    RISK = "risk", _("risks found by grid workers")
    MEETING = "meeting", _("liaison meetings and their decisions")
    SUPERVISION = "supervision", _("supervision by the discipline committee")
    REPORT = "report", _("weekly circulars and monthly analyses")


class Delivery(models.TextChoices):
    NOT_WANTED = "", _("not sent")
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """A message to one member of staff: in the inbox at once (written in the transaction of
    the change it reports), and by e-mail / SMS when the user wants it, delivered by the job
    runner after the commit. Rows still pending are picked up again, so nothing is lost while
    the broker or the worker is down."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(
        _("kind"), max_length=12, choices=NotificationKind.choices, default=NotificationKind.GENERAL
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=8, choices=Delivery.choices, blank=True, default="")
    sms_state = models.CharField(_("SMS"), max_length=8, choices=Delivery.choices, blank=True, default="")
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    # Set while a worker sends it; a claim older than the stale limit is taken over.
    delivery_claimed_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.CharField(_("delivery error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                name="notification_undelivered",
                condition=Q(email_state="pending") | Q(sms_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """One user's choice for one kind of notification. Without a row the defaults in
    ``core.notifications.DEFAULTS`` apply."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class IdempotencyKey(models.Model):
    """A client token already applied: a replayed or double-tapped submission is skipped.

    Written in the transaction of the change it guards, so a key exists exactly when the
    change does."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applied request")
        verbose_name_plural = _("applied requests")

    def __str__(self) -> str:
        return str(self.key)
