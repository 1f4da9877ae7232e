"""Forms of the mediation pages: registering a dispute and each action on a case. The API
validates an action's input with the same form as the page."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from core.identity import normalize_id_number, normalize_phone, validate_id_number, validate_phone
from mediation.models import MediationCase, Party, RoomMember
from mediation.states import CourtResult, DisputeKind, PartyRole, Performance, RiskLevel, Source

MAX_TEXT = 5000
TERM_ROWS = 4  # undertakings offered on the agreement form; two are shown open on a phone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, **kwargs)


def _text(label, rows=3, required=True, max_length=MAX_TEXT) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def _clean_phone(value: str) -> str:
    """A phone cleaned the way the petition intake cleans it."""
    value = value.strip()
    if value:
        validate_phone(value)
        return normalize_phone(value)
    return ""


def _clean_id_number(value: str) -> str:
    value = value.strip()
    if value:
        validate_id_number(value)
        return normalize_id_number(value)
    return ""


class CaseForm(forms.Form):
    """Register a dispute in a room's register. The client token makes a double submit (or a
    form replayed when the signal returns) register one case."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.WALK_IN)
    petition = forms.CharField(
        label=_("Petition tracking number"),
        max_length=20,
        required=False,
        help_text=_("Only when the dispute comes from a petition."),
    )
    dispute_kind = forms.ChoiceField(label=_("Kind of dispute"), choices=DisputeKind.choices)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.LOW, widget=forms.RadioSelect
    )
    summary = forms.CharField(label=_("Summary"), max_length=100)
    facts = _text(_("Facts"), rows=4, required=False)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=50)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=30, required=False)
    applicant_id_number = forms.CharField(label=_("Applicant's ID card number"), max_length=30, required=False)
    applicant_address = forms.CharField(label=_("Applicant's address"), max_length=200, required=False)
    respondent_name = forms.CharField(label=_("Respondent's name"), max_length=50)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=30, required=False)
    respondent_id_number = forms.CharField(label=_("Respondent's ID card number"), max_length=30, required=False)
    respondent_address = forms.CharField(label=_("Respondent's address"), max_length=200, required=False)
    mediators = ModelMultipleChoiceField(
        label=_("Mediators"),
        queryset=RoomMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited_helpers = _text(_("Invited helpers"), rows=2, required=False)

    def __init__(self, *args, room=None, **kwargs):
        super().__init__(*args, **kwargs)
        if room is not None:
            self.fields["mediators"].queryset = RoomMember.objects.filter(room=room).serving(timezone.localdate())

    def clean_applicant_phone(self):
        return _clean_phone(self.cleaned_data["applicant_phone"])

    def clean_respondent_phone(self):
        return _clean_phone(self.cleaned_data["respondent_phone"])

    def clean_applicant_id_number(self):
        return _clean_id_number(self.cleaned_data["applicant_id_number"])

    def clean_respondent_id_number(self):
        return _clean_id_number(self.cleaned_data["respondent_id_number"])

    def clean(self):
        data = super().clean()
        petition = (data.get("petition") or "").strip().upper()
        data["petition"] = petition
        if data.get("source") == Source.PETITION and not petition:
            self.add_error("petition", _("Give the petition's tracking number."))
        if data.get("source") != Source.PETITION and petition:
            self.add_error("petition", _("Only a dispute from a petition names a petition."))
        return data

    def party_inputs(self):
        from mediation.services import PartyInput

        data = self.cleaned_data
        return [
            PartyInput(
                name=data[f"{side}_name"],
                role=role,
                phone=data[f"{side}_phone"],
                id_number=data[f"{side}_id_number"],
                address=data[f"{side}_address"],
            )
            for side, role in (("applicant", PartyRole.APPLICANT), ("respondent", PartyRole.RESPONDENT))
        ]


# --- Actions on a case ------------------------------------------------------------------------


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Makes a replayed or double-tapped submission (a phone on a weak signal) apply once.
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, case: MediationCase | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def fieldsets(self) -> list[tuple[str | None, list]]:
        """The visible fields in groups, each with an optional legend."""
        return [(None, self.visible_fields())]


def _party_choices(case: MediationCase | None, blank: str) -> list[tuple[str, str]]:
    parties = list(case.parties.all()) if case is not None else []
    return [("", blank)] + [(str(p.pk), f"{p.get_role_display()}: {p.masked_name}") for p in parties]


def _party(case: MediationCase | None, value: str) -> Party | None:
    if not value or case is None:
        return None
    return next((p for p in case.parties.all() if str(p.pk) == value), None)


class AssignForm(ActionForm):
    mediators = ModelMultipleChoiceField(
        label=_("Mediators"), queryset=RoomMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    chosen_by_parties = forms.BooleanField(label=_("Chosen by the parties"), required=False)
    invited_helpers = _text(_("Invited helpers"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["mediators"].queryset = RoomMember.objects.filter(room_id=self.case.room_id).serving(
                timezone.localdate()
            )
            self.fields["invited_helpers"].initial = self.case.invited_helpers


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class SessionForm(ActionForm):
    held_at = forms.DateTimeField(
        label=_("Held at"),
        initial=_now_minute,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    present = _text(_("Present"), rows=2)
    record = _text(_("What was said"), rows=4)
    agreed = _text(_("What was agreed"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["place"].initial = self.case.room.name


class AgreementForm(ActionForm):
    facts = _text(_("Facts and the main points of the dispute"), rows=3)
    performance_method = _text(_("How it is carried out"), rows=2)
    performance_deadline = _date_field(_("Carried out by"))
    partial = forms.BooleanField(label=_("Only part of the dispute is settled"), required=False)
    unresolved = _text(_("What remains unresolved"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["facts"].initial = self.case.facts
        for row in range(1, TERM_ROWS + 1):
            self.fields[f"term{row}_text"] = _text(_("Undertaking"), rows=2, required=False)
            self.fields[f"term{row}_party"] = forms.ChoiceField(
                label=_("Who carries it out"), required=False, choices=_party_choices(self.case, _("both sides"))
            )
            self.fields[f"term{row}_due"] = _date_field(_("Due"), required=False)

    def fieldsets(self):
        main = [self[name] for name in ("facts", "performance_method", "performance_deadline", "partial", "unresolved")]
        groups: list[tuple[str | None, list]] = [(None, main)]
        for row in range(1, TERM_ROWS + 1):
            legend = _("Undertaking %(number)s") % {"number": row}
            groups.append((legend, [self[f"term{row}_{part}"] for part in ("text", "party", "due")]))
        return groups

    def clean(self):
        from mediation.services import TermInput

        data = super().clean()
        terms = []
        for row in range(1, TERM_ROWS + 1):
            text = (data.get(f"term{row}_text") or "").strip()
            party_value = data.get(f"term{row}_party") or ""
            due = data.get(f"term{row}_due")
            if not text:
                if party_value or due:
                    self.add_error(f"term{row}_text", _("Write the undertaking."))
                continue
            terms.append(TermInput(text=text, due=due, party=_party(self.case, party_value)))
        if not terms and not self.errors:
            self.add_error("term1_text", _("Write what each side agreed to do."))
        if data.get("partial") and not (data.get("unresolved") or "").strip():
            self.add_error("unresolved", _("A partial agreement says what remains unresolved."))
        data["terms"] = terms
        return data


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), rows=3)


class WithdrawForm(ActionForm):
    party = forms.ChoiceField(label=_("Which party ended it"), required=False, choices=())
    reason = _text(_("Reason"), rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = _party_choices(self.case, _("not recorded"))

    def clean_party(self):
        return _party(self.case, self.cleaned_data["party"])


class HandOverForm(ActionForm):
    note = _text(_("Note"), rows=2, required=False)


class FollowUpForm(ActionForm):
    term = forms.ChoiceField(label=_("Undertaking"), choices=())
    performance = forms.ChoiceField(
        label=_("Performance"),
        choices=[(p.value, p.label) for p in (Performance.DONE, Performance.LATE, Performance.BROKEN)],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._terms = list(self.case.agreement.items.all()) if _has_agreement(self.case) else []
        self.fields["term"].choices = [
            (str(t.pk), f"{t.text[:40]} ({t.get_performance_display()})") for t in self._terms
        ]

    def clean_term(self):
        value = self.cleaned_data["term"]
        return next(t for t in self._terms if str(t.pk) == value)  # the choices guarantee it exists


class CourtApplyForm(ActionForm):
    applied_on = _date_field(_("Applied on"), initial=timezone.localdate)
    court = forms.CharField(label=_("Court"), max_length=100, required=False)


class CourtResultForm(ActionForm):
    result = forms.ChoiceField(
        label=_("The court's decision"),
        choices=[(r.value, r.label) for r in (CourtResult.CONFIRMED, CourtResult.REFUSED)],
        widget=forms.RadioSelect,
    )
    decided_on = _date_field(_("Decided on"), initial=timezone.localdate)


class NoteForm(ActionForm):
    text = _text(_("Note"), rows=3)


def _has_agreement(case: MediationCase | None) -> bool:
    if case is None:
        return False
    try:
        return case.agreement is not None
    except MediationCase.agreement.RelatedObjectDoesNotExist:
        return False


class IdentityRevealForm(forms.Form):
    reason = forms.CharField(label=_("Why the full ID numbers are needed"), max_length=200)
