"""Forms of the desk: intake, the online mailbox, the status page and each action."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.identity import normalize_id_number, normalize_phone, validate_id_number, validate_phone
from core.models import Grid, Role, User, Village
from petitions.models import Category, HandlingUnit
from petitions.permissions import can_register_accusation
from petitions.states import Channel, Kind, Origin, Outcome, Satisfaction
from petitions.widgets import speed_up

MAX_TEXT = 5000
UPLOAD_TYPES = "image/jpeg,image/png,image/webp,application/pdf"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return str(obj)


def leaf_categories():
    return (
        Category.objects.filter(active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__sort", "sort")
    )


class PetitionerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_representative = forms.BooleanField(label=_("Representative"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        speed_up(self)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return ""

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if value:
            validate_id_number(value)
            return normalize_id_number(value)
        return ""

    def clean(self):
        data = super().clean()
        has_details = any(data.get(f) for f in ("phone", "id_number", "address"))
        if has_details and not data.get("name"):
            self.add_error("name", _("Give the person's name."))
        return data


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=5, max_num=5, absolute_max=5)


class IntakeForm(forms.Form):
    """The desk's one-page intake. A hidden client token makes a double submit harmless."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WINDOW)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.DIRECT)
    upstream_reference = forms.CharField(label=_("Upstream reference"), max_length=60, required=False)
    upstream_due = forms.DateField(
        label=_("Upstream due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices, initial=Kind.GRIEVANCE)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none(), required=False)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    title = forms.CharField(label=_("Summary"), max_length=100)
    content = forms.CharField(label=_("Content"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))
    request = forms.CharField(
        label=_("The petitioner's request"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    oral = forms.BooleanField(label=_("Oral petition, written down verbatim"), required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    headcount = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000, initial=1)
    is_collective = forms.BooleanField(label=_("Collective"), required=False)
    is_skip_level = forms.BooleanField(label=_("Skip-level"), required=False)
    is_key_matter = forms.BooleanField(label=_("Key matter"), required=False)
    is_public_interest = forms.BooleanField(label=_("Public interest"), required=False)
    repeat_of = forms.CharField(label=_("Repeat of (tracking number)"), max_length=20, required=False)
    responsible_leader = forms.ModelChoiceField(
        label=_("Responsible leader"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The default from the responsibility table"),
    )
    responsibility_reason = forms.CharField(
        label=_("Why another leader than the default"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, town=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        if town is not None:
            self.fields["responsible_leader"].queryset = _staff(town, Role.LEADER)
            self.fields["village"].queryset = Village.objects.filter(town=town)
            self.fields["grid"].queryset = Grid.objects.filter(village__town=town).select_related("village")
        if user is not None:
            self._offer_what(user)
        speed_up(self)

    def _offer_what(self, user) -> None:
        """Offer only what this user may register (the service checks it again): village
        staff their own village, preselected; accusations only to the township's registrars."""
        if user.is_village_scoped:
            village = self.fields["village"]
            village.queryset = village.queryset.filter(pk=user.village_id)
            village.required = True
            village.empty_label = None
            village.initial = user.village_id
            self.fields["grid"].queryset = self.fields["grid"].queryset.filter(village_id=user.village_id)
        if not can_register_accusation(user):
            self.fields["kind"].choices = [c for c in Kind.choices if c[0] != Kind.ACCUSATION]

    def clean(self):
        data = super().clean()
        if data.get("origin") == Origin.ASSIGNED and not data.get("upstream_reference"):
            self.add_error("upstream_reference", _("A petition assigned from above needs the upstream reference."))
        grid, village = data.get("grid"), data.get("village")
        if grid is not None and (village is None or grid.village_id != village.pk):
            self.add_error("grid", _("The grid must lie in the petition's village."))
        return data


class MailboxForm(forms.Form):
    """The online mailbox for residents without an account."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=30, required=False)
    anonymous = forms.BooleanField(label=_("Submit anonymously"), required=False)
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none(), required=False)
    category = CategoryChoiceField(label=_("What is it about?"), queryset=Category.objects.none())
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices, initial=Kind.GRIEVANCE)
    title = forms.CharField(label=_("In one line"), max_length=100)
    content = forms.CharField(label=_("What happened"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(
        label=_("What you ask for"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(
        max_length=200, required=False, label="", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, town=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        if town is not None:
            self.fields["village"].queryset = Village.objects.filter(town=town)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return ""

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("Your submission could not be accepted."), code="honeypot")
        if not data.get("anonymous") and not data.get("name"):
            self.add_error("name", _("Give your name, or submit anonymously."))
        if not data.get("anonymous") and not data.get("phone"):
            self.add_error("phone", _("Give a phone number so the town can reach you, or submit anonymously."))
        return data


class StatusForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Query code"), max_length=12)


class RateForm(forms.Form):
    number = forms.CharField(max_length=30, widget=forms.HiddenInput)
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Actions on a case ------------------------------------------------------------------------


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Makes a replayed or double-tapped submission (a phone on a weak signal) apply once.
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, petition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition


def _staff(town, role):
    return User.objects.filter(town=town, role=role, is_active=True).order_by("full_name")


class PeopleMixin(forms.Form):
    leader = forms.ModelChoiceField(label=_("Responsible leader"), queryset=User.objects.none(), required=False)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)

    def set_people(self, town):
        self.fields["leader"].queryset = _staff(town, Role.LEADER)
        if getattr(self, "petition", None) is not None:
            self.fields["leader"].initial = self.petition.responsible_leader_id
        self.fields["handler"].queryset = User.objects.filter(town=town, is_active=True).exclude(
            role__in=[Role.MEDIATOR, Role.ADMIN]
        )


class AcceptForm(ActionForm, PeopleMixin):
    note = forms.CharField(
        max_length=MAX_TEXT, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_people(self.petition.town)


class AssignForm(ActionForm, PeopleMixin):
    unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=HandlingUnit.objects.none())
    report_due = forms.DateField(
        label=_("Completion report due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        max_length=MAX_TEXT, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_people(self.petition.town)
        self.fields["unit"].queryset = HandlingUnit.objects.filter(town=self.petition.town, active=True)
        from petitions.responsibility import default_for

        rule = default_for(town=self.petition.town, category=self.petition.category, village=self.petition.village)
        if rule is not None and rule.unit.active:
            self.fields["unit"].initial = rule.unit_id
        elif self.petition.village_id:
            self.fields["unit"].initial = HandlingUnit.objects.filter(village_id=self.petition.village_id).first()


class TransferForm(ActionForm):
    destination = forms.CharField(label=_("Transferred to"), max_length=100)
    note = forms.CharField(
        max_length=MAX_TEXT, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(max_length=MAX_TEXT, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(ActionForm):
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=30)
    reason = forms.CharField(
        max_length=MAX_TEXT, label=_("Reason (told to the petitioner)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Reply: the claim, the facts, the decision and its basis"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FollowUpForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    unit_at_fault = forms.BooleanField(label=_("Dissatisfied for the unit's own reasons: redo"), required=False)
    note = forms.CharField(
        max_length=MAX_TEXT, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Note"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("Show to the resident"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (photos taken one after another on a phone)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": UPLOAD_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AttachForm(ActionForm):
    files = MultipleFileField(label=_("Photos or PDF files (at most 5, 10 MB each)"))
    public = forms.BooleanField(label=_("Show to the resident"), required=False)
    keep_location = forms.BooleanField(label=_("Keep where the photo was taken (location data)"), required=False)


class LinkRepeatForm(ActionForm):
    earlier = forms.CharField(label=_("Earlier tracking number"), max_length=20)


class SetResponsibleForm(ActionForm):
    leader = forms.ModelChoiceField(label=_("Responsible leader"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _staff(self.petition.town, Role.LEADER).exclude(
            pk=self.petition.responsible_leader_id
        )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see it?"), max_length=200)
