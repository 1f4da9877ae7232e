"""The case list's filters (django-filter), applied to the permission-scoped queryset."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import blind_index
from core.identity import normalize_id_number, normalize_phone
from core.models import Grid, Role, User, Village
from petitions import clocks
from petitions.models import Category, HandlingUnit, Petition
from petitions.states import Channel, Kind, Light, Origin, State

FLAGS = (
    ("collective", _("collective")),
    ("repeat", _("repeat")),
    ("skip_level", _("skip-level")),
    ("key_matter", _("key matter")),
    ("public_interest", _("public interest")),
)


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=State.choices)
    open = django_filters.BooleanFilter(label=_("Open only"), method="only_open")
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, method="by_light")
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Kind.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.select_related("parent"), method="by_category"
    )
    village = django_filters.ModelChoiceFilter(label=_("Village"), queryset=Village.objects.all())
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=Grid.objects.select_related("village"))
    unit = django_filters.ModelChoiceFilter(label=_("Handling unit"), queryset=HandlingUnit.objects.all())
    responsible_leader = django_filters.ModelChoiceFilter(
        label=_("Responsible leader"), queryset=User.objects.filter(role=Role.LEADER)
    )
    registered_from = django_filters.DateFilter(
        label=_("Registered from"), field_name="registered_at", lookup_expr="date__gte"
    )
    registered_to = django_filters.DateFilter(
        label=_("Registered to"), field_name="registered_at", lookup_expr="date__lte"
    )
    flag = django_filters.ChoiceFilter(label=_("Flag"), choices=FLAGS, method="by_flag")
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("registered_at", "registered"), ("next_due", "due"), ("tracking_number", "number")),
        # Ascending labels are keyed by model field, descending ones by "-" + parameter.
        field_labels={
            "registered_at": _("registration date"),
            "-registered": _("registration date (newest first)"),
            "next_due": _("next deadline"),
            "-due": _("next deadline (latest first)"),
            "tracking_number": _("tracking number"),
            "-number": _("tracking number (descending)"),
        },
    )

    class Meta:
        model = Petition
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:  # built by DRF's filter backend
            user = self.request.user
        town_id = getattr(user, "town_id", None)
        if town_id:
            self.filters["village"].queryset = Village.objects.filter(town_id=town_id)
            self.filters["grid"].queryset = Grid.objects.filter(village__town_id=town_id).select_related("village")
            self.filters["unit"].queryset = HandlingUnit.objects.filter(town_id=town_id)
            self.filters["responsible_leader"].queryset = User.objects.filter(town_id=town_id, role=Role.LEADER)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(tracking_number__iexact=value) | Q(title__icontains=value) | Q(content__icontains=value)
        phone = normalize_phone(value)
        if phone and phone[0] in "01" and any(ch.isdigit() for ch in phone):
            condition |= Q(petitioners__phone_hash=blind_index("phone", phone))
        id_number = normalize_id_number(value)
        if len(id_number) == 18:
            condition |= Q(petitioners__id_number_hash=blind_index("id_number", id_number))
        if not any(ch.isdigit() for ch in value):
            condition |= Q(petitioners__name=value)
        matching = Petition.objects.filter(condition).values("pk")
        return queryset.filter(pk__in=matching)

    def only_open(self, queryset, name, value):
        from petitions.states import OPEN_STATES

        return queryset.filter(state__in=OPEN_STATES) if value else queryset

    def by_light(self, queryset, name, value):
        return queryset.filter(**clocks.light_bounds(value)) if value else queryset

    def by_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def by_flag(self, queryset, name, value):
        return queryset.filter(**{f"is_{value}": True}) if value else queryset
