from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from duty.models import AssessmentScheme, Identity

TEXT = 300


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} · {obj.title}" if obj.title else obj.display_name


class LeadersField(ModelMultipleChoiceField):
    label_from_instance = LeaderChoiceField.label_from_instance


class DutyForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    leader = LeaderChoiceField(label=_("Leader on duty"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=100, required=False)

    def __init__(self, *args, leaders, fixed_day: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        if fixed_day:
            self.fields["day"].disabled = True


class FillMonthForm(forms.Form):
    month = forms.DateField(widget=forms.HiddenInput)
    leaders = LeadersField(label=_("Leaders, in turn"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leaders


class ReceptionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    leader = LeaderChoiceField(label=_("Receiving leader"), queryset=None)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=100)
    topic = forms.CharField(
        label=_("Topic"), max_length=100, required=False, help_text=_("Leave empty for any matter.")
    )

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("A reception ends after it starts."))
        return data


class CardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    post = forms.CharField(label=_("Post"), max_length=60)
    identity = forms.ChoiceField(label=_("Identity"), choices=Identity.choices)
    duty = forms.CharField(label=_("Duty"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    commitment = forms.CharField(label=_("Commitment"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    sort = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=100)
    active = forms.BooleanField(label=_("Shown on the public page"), required=False, initial=True)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Optional. JPEG, PNG or WebP; location data is removed."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)


class SchemeForm(forms.ModelForm):
    """The scheme's own constraints (a weight above zero, red above black) give the errors;
    the page passes the cleaned values to ``duty.services.scheme_update``."""

    class Meta:
        model = AssessmentScheme
        fields = list(AssessmentScheme.EDITABLE)
