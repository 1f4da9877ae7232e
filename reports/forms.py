from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import ReportSnapshot
from reports.services import report_period

EARLIEST = date(2000, 1, 1)


class GenerateForm(forms.Form):
    """An administrator asks for the report of a past week or month."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportSnapshot.Kind.choices)
    day = forms.DateField(
        label=_("Any day of the period"),
        help_text=_("The weekly circular covers Monday to Sunday; the monthly analysis the calendar month."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        kind, day = data.get("kind"), data.get("day")
        if kind and day:
            if day < EARLIEST:
                self.add_error("day", _("Choose a day from the year 2000 on."))
                return data
            period = report_period(kind=kind, day=day)
            if period.end >= timezone.localdate():
                self.add_error("day", _("This period has not ended yet: choose a day of a past week or month."))
            data["period"] = period
        return data
