"""The decisions page's filters (django-filter), applied to the permission-scoped queryset."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from accountability.selectors import DECISION_STATUSES, decisions_by_status
from core.models import Role, User
from petitions.models import HandlingUnit

STATUS_LABELS = {
    "open": _("being carried out"),
    "overdue": _("overdue"),
    "done": _("carried out"),
    "not_done": _("not carried out"),
    "sent": _("sent to the district"),
}


class DecisionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="by_status",
        empty_label=_("all"),
        choices=[(status, STATUS_LABELS[status]) for status in DECISION_STATUSES],
    )
    unit = django_filters.ModelChoiceFilter(label=_("Responsible unit"), queryset=HandlingUnit.objects.none())
    leader = django_filters.ModelChoiceFilter(label=_("Responsible leader"), queryset=User.objects.none())

    def __init__(self, *args, town_id, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["unit"].queryset = HandlingUnit.objects.filter(town_id=town_id).order_by("sort", "id")
        self.filters["leader"].queryset = User.objects.filter(town_id=town_id, role=Role.LEADER).order_by("username")

    def by_status(self, queryset, name, value):
        return decisions_by_status(queryset, value, today=self.today)
