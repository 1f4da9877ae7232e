"""Personal API tokens for outside systems, and the log of every use.

A token acts as one staff account (usually a service account made for it), so the
permission helpers apply to a system exactly as they apply to a person in the same role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel
from petitions.states import Channel


class ApiToken(models.Model):
    name = models.CharField(_("name"), max_length=100)
    system = models.CharField(
        _("system"),
        max_length=100,
        help_text=_("The outside system that uses this token, for example the district's petition platform."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("acts as")
    )
    channel = models.CharField(
        _("intake channel"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.MAILBOX,
        help_text=_("Recorded on the petitions this system registers."),
    )
    # The secret is shown once, at creation; only its SHA-256 is kept. The prefix is part of
    # the secret and finds the row without comparing hashes across the table.
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return str(_("revoked"))
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("active"))


class ApiTokenUse(AppendOnlyModel):
    """One request made with a token (also refused ones: a revoked token's attempts show here)."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="uses", verbose_name=_("token"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    client_address = models.CharField(_("client address"), max_length=45, blank=True)

    append_only_message = "The API token log is append-only."

    class Meta:
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["token", "at"], name="apitokenuse_token_at")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.method} {self.path} {self.status}"
