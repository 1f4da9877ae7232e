"""Who answers for a case (谁主管谁负责): the default handling unit and responsible leader from
the town's ``ResponsibilityRule`` table, and the change of the responsible leader with a reason."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from core.models import Role, Town, User, Village
from petitions.errors import InvalidInput
from petitions.models import Category, HandlingUnit, Petition, ResponsibilityRule
from petitions.states import Action, Kind

# --- The town's table, kept in the shared cache -----------------------------------------------
# Every registration and every intake page reads the whole table (a few dozen rows, edited by
# an admin a few times a year). It is kept in the cache shared by all web processes and the
# workers, and dropped when a rule, a unit or a user is saved or deleted (the names shown come
# from them), at once and again after the change commits, so no process reads an old table.
RULES_SECONDS = 600


def _rules_key(town_id) -> str:
    return f"responsibility-rules:{town_id}"


def town_rules(town: Town) -> list[ResponsibilityRule]:
    """The town's rules with their unit and leader (names and flags only: no password hash in
    the cache)."""
    key = _rules_key(town.pk)
    rules = cache.get(key)
    if rules is None:
        rules = list(
            ResponsibilityRule.objects.filter(town=town)
            .select_related("unit", "leader")
            .only(
                "id",
                "town_id",
                "category_id",
                "village_id",
                "unit__id",
                "unit__name",
                "unit__active",
                "leader__id",
                "leader__username",
                "leader__full_name",
            )
            .order_by("pk")
        )
        cache.set(key, rules, RULES_SECONDS)
    return rules


def _forget_rules(sender, instance, **kwargs) -> None:
    town_id = getattr(instance, "town_id", None)
    keys = [_rules_key(town_id)] if town_id else [_rules_key(pk) for pk in Town.objects.values_list("pk", flat=True)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


for _model in (ResponsibilityRule, HandlingUnit, User):
    post_save.connect(_forget_rules, sender=_model, dispatch_uid=f"petitions.responsibility.save.{_model.__name__}")
    post_delete.connect(_forget_rules, sender=_model, dispatch_uid=f"petitions.responsibility.delete.{_model.__name__}")


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
    """The most specific rule for the category (or its parent) and the village."""
    if category is None:
        return None
    return pick(town_rules(town), category=category, village_id=village.pk if village is not None else None)


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
        for rule in town_rules(town)
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
