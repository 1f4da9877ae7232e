"""The administrator's form for a new token (admin and management command share the service)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apitokens.services import TOKEN_ROLES
from core.models import Grid, Role, Town, User, Village
from petitions.states import Channel


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    system = forms.CharField(
        label=_("system"),
        max_length=100,
        help_text=_("The outside system that uses this token, for example the district's petition platform."),
    )
    channel = forms.ChoiceField(
        label=_("intake channel"),
        choices=Channel.choices,
        initial=Channel.MAILBOX,
        help_text=_("Recorded on the petitions this system registers."),
    )
    expires_at = forms.DateTimeField(
        label=_("expires at"),
        required=False,
        help_text=_("Leave empty for a token that lasts until it is revoked."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    user = forms.ModelChoiceField(
        label=_("act as an existing account"),
        queryset=User.objects.filter(is_active=True, is_staff=False, is_superuser=False).order_by("username"),
        required=False,
        help_text=_("Leave empty to create a service account with the role and scope below."),
    )
    role = forms.ChoiceField(
        label=_("role"), choices=[("", "---------")] + [(r.value, r.label) for r in TOKEN_ROLES], required=False
    )
    town = forms.ModelChoiceField(label=_("town"), queryset=Town.objects.order_by("code"), required=False)
    village = forms.ModelChoiceField(
        label=_("village"),
        queryset=Village.objects.order_by("code"),
        required=False,
        help_text=_("For grid workers, village agents and mediators."),
    )
    grid = forms.ModelChoiceField(
        label=_("grid"),
        queryset=Grid.objects.select_related("village").order_by("village__code", "number"),
        required=False,
        help_text=_("For grid workers."),
    )

    def clean(self):
        data = super().clean()
        if data.get("user") is None and not data.get("role"):
            raise forms.ValidationError(_("Choose an existing account or a role for a new service account."))
        if data.get("user") is None and data.get("role") == Role.GRID_WORKER and data.get("grid") is None:
            self.add_error("grid", _("A grid worker belongs to a grid."))
        if data.get("grid") is not None and data.get("village") is None:
            data["village"] = data["grid"].village
        if data.get("village") is not None and data.get("town") is None:
            data["town"] = data["village"].town
        if data.get("town") is None:
            towns = list(Town.objects.all()[:2])
            data["town"] = towns[0] if len(towns) == 1 else None  # a deployment of one town
        return data
