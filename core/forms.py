from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import NotificationKind


class NotificationPreferencesForm(forms.Form):
    """One e-mail and one SMS box per kind of notification."""

    def __init__(self, *args, current: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind in NotificationKind:
            email, sms = current[kind]
            self.fields[f"email_{kind.value}"] = forms.BooleanField(label=_("by e-mail"), required=False, initial=email)
            self.fields[f"sms_{kind.value}"] = forms.BooleanField(label=_("by SMS"), required=False, initial=sms)
            self.rows.append((kind.label, self[f"email_{kind.value}"], self[f"sms_{kind.value}"]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind.value: (data[f"email_{kind.value}"], data[f"sms_{kind.value}"]) for kind in NotificationKind}


# The largest id any backend stores (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids no database could hold before asking the database: SQLite
    raises OverflowError on an ``IN`` list holding one (a 500 instead of a form error)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # non-numeric: Django's own check answers it
            if not -MAX_ID <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
