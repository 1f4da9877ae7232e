from django import forms
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
