"""Forms of the accountability pages. Each form only parses and checks its input; the
services decide whether the change is allowed."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.models import Supervision
from accountability.states import AccountabilityForm, Level, SupervisionReason, SupervisionState
from core.forms import ModelMultipleChoiceField
from core.models import Role, User
from petitions.models import HandlingUnit, Petition

MAX_TEXT = 5000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, **kwargs)


def _text(label, *, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": rows})
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class StaffMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} · {obj.get_role_display()}"


def _town_staff(town):
    return User.objects.filter(town=town, is_active=True).order_by("role", "username")


def _town_units(town):
    return HandlingUnit.objects.filter(town=town, active=True).order_by("sort", "id")


class TrackingNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "placeholder": "DHK-2026-000123"})

    def clean(self, value):
        return super().clean(value).strip().upper()


# --- Meetings -----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.TOWN, widget=forms.RadioSelect)
    date = _date(_("Date"))
    chair = StaffChoiceField(label=_("Chaired by"), queryset=User.objects.none(), required=False)
    secretary = StaffChoiceField(label=_("Secretary"), queryset=User.objects.none(), required=False)
    attendees = StaffMultipleChoiceField(
        label=_("Attendees"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_attendees = _text(_("Other attendees"), rows=2, required=False)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        staff = _town_staff(town)
        self.fields["chair"].queryset = staff.filter(role=Role.LEADER)
        self.fields["secretary"].queryset = staff.filter(role__in=(Role.DESK_CLERK, Role.LEADER))
        self.fields["attendees"].queryset = staff.filter(
            role__in=(Role.LEADER, Role.DESK_CLERK, Role.INSPECTOR, Role.HANDLER)
        )
        self.fields["other_attendees"].help_text = _("People from outside the desk, such as district officials.")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("A meeting is planned for today or a later day."))
        return day


class ProposalsForm(forms.Form):
    petitions = forms.TypedMultipleChoiceField(
        label=_("Proposed cases"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petitions"].choices = [(p.petition.pk, p.petition.tracking_number) for p in proposals]
        self.fields["petitions"].error_messages["required"] = _("Tick at least one proposed case.")


class AgendaAddForm(forms.Form):
    number = TrackingNumberField(label=_("Tracking number"))
    note = _text(_("Why it goes before the meeting"), rows=2, required=False)


class AgendaRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why it is taken off"), max_length=500)


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=(("up", "up"), ("down", "down")))


class HoldForm(forms.Form):
    minutes = _text(_("Minutes of the meeting"), rows=6, required=False)


class DecisionForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    resolution = _text(_("Resolution path"), rows=3)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=HandlingUnit.objects.none())
    leader = StaffChoiceField(label=_("Responsible leader"), queryset=User.objects.none(), required=False)
    deadline = _date(_("Deadline"))

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _town_units(town)
        self.fields["leader"].queryset = _town_staff(town).filter(role=Role.LEADER)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class SendOnForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    reason = _text(_("Why the town cannot solve it"), rows=2)


DONE, NOT_DONE = "done", "not_done"


class DecisionReportForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Carried out?"),
        choices=((DONE, _("carried out")), (NOT_DONE, _("not carried out"))),
        widget=forms.RadioSelect,
    )
    note = _text(_("How, or why not"), rows=2, required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == NOT_DONE and not data.get("note", "").strip():
            self.add_error("note", _("Say why the decision was not carried out."))
        return data


# --- Supervision and accountability ------------------------------------------------------------


class SupervisionForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    petition = TrackingNumberField(
        label=_("Case (tracking number)"),
        required=False,
        help_text=_("Leave empty to supervise a unit as a whole."),
    )
    unit = forms.ModelChoiceField(
        label=_("Supervised unit"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("For a case, its handling unit unless you choose another."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=SupervisionReason.choices, widget=forms.RadioSelect)
    description = _text(_("What was found"), rows=4)
    rectify_by = _date(_("Rectify by"))
    listed = forms.BooleanField(label=_("Listed supervision (挂牌督办)"), required=False)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _town_units(town)

    def clean_rectify_by(self):
        day = self.cleaned_data["rectify_by"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("petition") and not data.get("unit") and not self.has_error("petition"):
            raise forms.ValidationError(_("Give a case or choose the supervised unit."))
        return data


class SupervisionReplyForm(forms.Form):
    text = _text(_("The unit's written reply"), rows=5)


class SupervisionCloseForm(forms.Form):
    result = _text(_("Result"), rows=4)


class SupervisionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("all")), *SupervisionState.choices], required=False)


class RecordForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    person = StaffChoiceField(label=_("Person held accountable"), queryset=User.objects.none())
    form = forms.ChoiceField(label=_("Form"), choices=AccountabilityForm.choices)
    reason = _text(_("Reason"), rows=4)
    petitions = forms.CharField(
        label=_("Linked cases"),
        required=False,
        max_length=500,
        help_text=_("Tracking numbers, separated by spaces or commas."),
    )
    supervision = forms.ModelChoiceField(
        label=_("Supervision it follows"), queryset=Supervision.objects.none(), required=False
    )
    decided_on = _date(_("Date of the decision"))

    def __init__(self, *args, town, supervisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _town_staff(town).exclude(role=Role.ADMIN)
        self.fields["supervision"].queryset = supervisions.select_related("unit")
        self.fields["supervision"].label_from_instance = lambda s: (
            f"{s.opened_at:%Y-%m-%d} {s.unit.name} · {s.get_reason_display()}"
        )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return day

    def clean_petitions(self):
        raw = self.cleaned_data["petitions"].replace("，", ",").replace(",", " ")
        return list(dict.fromkeys(number.strip().upper() for number in raw.split() if number.strip()))

    def resolve_petitions(self, visible) -> list[Petition]:
        """The linked cases among those the inspector may see; an unknown number is an error."""
        numbers = self.cleaned_data["petitions"]
        found = {p.tracking_number: p for p in visible.filter(tracking_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            self.add_error(
                "petitions", _("No petition with this tracking number: %(numbers)s") % {"numbers": ", ".join(missing)}
            )
        return [found[n] for n in numbers if n in found]
