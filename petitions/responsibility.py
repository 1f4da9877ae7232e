"""Who answers for a case (谁主管谁负责): the default handling unit and responsible leader from
the town's ``ResponsibilityRule`` table, and the change of the responsible leader with a reason."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Role, Town, Village
from petitions.errors import InvalidInput
from petitions.models import Category, Petition, ResponsibilityRule
from petitions.states import Action, Kind


def _specificity(rule: ResponsibilityRule, category: Category) -> tuple[int, int]:
    # Category before village; a leaf category before its top-level parent.
    on_category = 2 if rule.category_id == category.pk else (1 if rule.category_id else 0)
    return (on_category, 1 if rule.village_id else 0)


def pick(rules, *, category: Category, village_id: int | None) -> ResponsibilityRule | None:
    """The most specific of ``rules`` that applies to the category and the village."""
    applicable = [
        rule
        for rule in rules
        if rule.category_id in (None, category.pk, category.parent_id) and rule.village_id in (None, village_id)
    ]
    return max(applicable, key=lambda rule: _specificity(rule, category), default=None)


def default_for(*, town: Town, category: Category | None, village: Village | None) -> ResponsibilityRule | None:
    """The most specific rule for the category (or its parent) and the village; one query."""
    if category is None:
        return None
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rules = list(
        ResponsibilityRule.objects.filter(town=town)
        .filter(Q(category_id__in=categories) | Q(category__isnull=True))
        .filter(Q(village__isnull=True) | Q(village_id=village.pk if village is not None else None))
        .select_related("unit", "leader")
    )
    return pick(rules, category=category, village_id=village.pk if village is not None else None)


def rules_table(town: Town) -> list[dict]:
    """The whole table for the intake page, which picks the default as the clerk types."""
    return [
        {
            "category": rule.category_id,
            "village": rule.village_id,
            "unit": rule.unit.name,
            "unit_id": rule.unit_id,
            "leader": rule.leader_id,
            "leader_name": rule.leader.display_name,
        }
        for rule in ResponsibilityRule.objects.filter(town=town).select_related("unit", "leader")
    ]


def check_leader(*, town: Town, leader) -> None:
    if leader.role != Role.LEADER or leader.town_id != town.pk or not leader.is_active:
        raise InvalidInput(_("The responsible leader must be an active leader of this town."))


def choose_leader(
    *, town: Town, kind: str, category: Category, village: Village | None, leader, reason: str
) -> tuple[object | None, str]:
    """The leader a new petition gets and the (staff-only) timeline note that says why.
    Accusations have none: the discipline committee answers for them."""
    if kind == Kind.ACCUSATION:
        return None, ""
    rule = default_for(town=town, category=category, village=village)
    if leader is None or (rule is not None and leader.pk == rule.leader_id):
        if rule is None:
            return None, ""
        return rule.leader, _(
            "Responsible leader %(leader)s and handling unit %(unit)s, by the responsibility table."
        ) % {
            "leader": rule.leader.display_name,
            "unit": rule.unit.name,
        }
    check_leader(town=town, leader=leader)
    if rule is None:
        return leader, _("Responsible leader %(leader)s (no default in the responsibility table).") % {
            "leader": leader.display_name
        }
    if not reason.strip():
        raise InvalidInput(
            _("Say why %(leader)s answers for it instead of %(default)s, the default in the responsibility table.")
            % {"leader": leader.display_name, "default": rule.leader.display_name}
        )
    return leader, _("Responsible leader %(leader)s instead of the default %(default)s: %(reason)s") % {
        "leader": leader.display_name,
        "default": rule.leader.display_name,
        "reason": reason.strip(),
    }


def petition_set_responsible(*, petition: Petition, actor, version: int | None, leader, reason: str) -> Petition:
    """Change the responsible leader (包案领导) of an open case, with the reason."""
    from petitions.services import _change

    if not reason.strip():
        raise InvalidInput(_("Give the reason for the change."))
    check_leader(town=petition.town, leader=leader)
    if leader.pk == petition.responsible_leader_id:
        raise InvalidInput(_("%(leader)s already answers for this case.") % {"leader": leader.display_name})
    before = petition.responsible_leader.display_name if petition.responsible_leader_id else _("nobody")

    def apply(p: Petition, now) -> str:
        if p.kind == Kind.ACCUSATION:  # can_act refuses it already; never a leader on one
            raise InvalidInput(_("The discipline committee answers for accusations; they have no responsible leader."))
        p.responsible_leader = leader
        return p.state

    note = _("Responsible leader changed from %(before)s to %(after)s: %(reason)s") % {
        "before": before,
        "after": leader.display_name,
        "reason": reason.strip(),
    }
    return _change(
        petition=petition, actor=actor, action=Action.SET_RESPONSIBLE, version=version, apply=apply, note=note
    )
