import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Grid
from patrols.models import Risk


class GridChoiceMixin:
    def set_grids(self, user):
        self.fields["grid"].queryset = Grid.objects.filter(village_id=user.village_id)
        if user.grid_id:
            self.fields["grid"].initial = user.grid_id


class PatrolForm(GridChoiceMixin, forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    day = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    route = forms.CharField(label=_("Route or places"), max_length=200)
    residents_met = forms.IntegerField(
        label=_("Residents talked to"),
        min_value=0,
        max_value=1000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    policy_explained = forms.CharField(
        max_length=5000, label=_("Law and policy explained"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    findings = forms.CharField(
        max_length=5000, label=_("What you found"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_grids(user)


class RiskForm(GridChoiceMixin, forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    found_on = forms.DateField(
        label=_("Found on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Risk.Kind.choices)
    level = forms.ChoiceField(
        label=_("Risk level"), choices=Risk.Level.choices, widget=forms.RadioSelect, initial=Risk.Level.LOW
    )
    place = forms.CharField(label=_("Where"), max_length=200)
    parties = forms.CharField(label=_("Parties"), max_length=200)
    description = forms.CharField(
        max_length=5000, label=_("What is going on"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_grids(user)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MediationForm(forms.Form):
    applicant = forms.CharField(label=_("Applicant"), max_length=50)
    respondent = forms.CharField(label=_("Respondent"), max_length=50)

    @classmethod
    def for_risk(cls, risk):
        """Prefill the two sides from "张某与李某"."""
        import re

        names = [n for n in re.split(r"[与和、,，/]", risk.parties) if n.strip()]
        return cls(initial={"applicant": names[0] if names else "", "respondent": names[1] if len(names) > 1 else ""})
