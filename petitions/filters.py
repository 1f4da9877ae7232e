"""The case list's filters (django-filter), applied to the permission-scoped queryset."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import blind_index
from core.identity import normalize_id_number, normalize_phone
from core.models import Grid, Role, User, Village
from petitions import clocks
from petitions.models import Category, HandlingUnit, Petition, PetitionPetitioner
from petitions.states import Channel, Kind, Light, Origin, State
from petitions.widgets import speed_up

PEOPLE_MATCHES = 2_000  # petitions of the people a search names, passed to the database as ids
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

    @property
    def form(self):
        return speed_up(super().form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Each way of matching has its index (tracking numbers are stored in capitals; title and
        # content have trigram indexes on PostgreSQL; phone and ID numbers their keyed hashes;
        # names an index). The people are looked up first, so that the petition query is an OR
        # of indexed conditions only: the database may then walk the newest petitions and stop
        # at a page, or gather the few matches, whichever is cheaper.
        condition = Q(tracking_number=value.upper()) | Q(title__icontains=value) | Q(content__icontains=value)
        people = Q()
        phone = normalize_phone(value)
        if phone and phone[0] in "01" and any(ch.isdigit() for ch in phone):
            people |= Q(petitioner__phone_hash=blind_index("phone", phone))
        id_number = normalize_id_number(value)
        if len(id_number) == 18:
            people |= Q(petitioner__id_number_hash=blind_index("id_number", id_number))
        if not any(ch.isdigit() for ch in value):
            people |= Q(petitioner__name=value)
        if people:
            links = PetitionPetitioner.objects.filter(people).order_by().values_list("petition_id", flat=True)
            found = list(links[: PEOPLE_MATCHES + 1])
            # A very common name: let the database join instead of passing thousands of ids.
            condition |= Q(pk__in=links) if len(found) > PEOPLE_MATCHES else Q(pk__in=found)
        return queryset.filter(condition)

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
