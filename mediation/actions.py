"""Which form each lifecycle action uses on the case page (and the API), and which service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms

from mediation import clocks, forms, services
from mediation.models import MediationCase
from mediation.permissions import can_act_on_case
from mediation.states import Action, CourtResult
from mediation.transitions import actions_from


@dataclass(frozen=True)
class ActionSpec:
    action: str
    form: type[django_forms.Form]
    run: Callable[..., object]
    style: str
    # Hides an action the case's own record rules out (already reported, nothing to follow up…).
    shown: Callable[[MediationCase], bool]

    @property
    def label(self) -> str:
        return str(Action(self.action).label)


def _always(case: MediationCase) -> bool:
    return True


def agreement_of(case: MediationCase):
    """The case's agreement, or None (without a query when it was selected with the case)."""
    try:
        return case.agreement
    except MediationCase.agreement.RelatedObjectDoesNotExist:
        return None


def _has_terms(case: MediationCase) -> bool:
    agreement = agreement_of(case)
    return agreement is not None and bool(agreement.items.all())


def _court_window_open(case: MediationCase) -> bool:
    agreement = agreement_of(case)
    return agreement is not None and clocks.confirmation_window_open(agreement)


def _court_pending(case: MediationCase) -> bool:
    agreement = agreement_of(case)
    return agreement is not None and agreement.court_result == CourtResult.PENDING


def _spec(action, form, run, style="secondary", shown=_always) -> tuple[str, ActionSpec]:
    return action, ActionSpec(action=action, form=form, run=run, style=style, shown=shown)


ACTIONS: dict[str, ActionSpec] = dict(
    [
        _spec(
            Action.SESSION,
            forms.SessionForm,
            lambda case, actor, data: services.mediation_session_record(
                case=case,
                actor=actor,
                version=data["version"],
                held_at=data["held_at"],
                place=data["place"],
                present=data["present"],
                record=data["record"],
                agreed=data["agreed"],
            ),
            "primary",
        ),
        _spec(
            Action.AGREE,
            forms.AgreementForm,
            lambda case, actor, data: services.mediation_case_agree(
                case=case,
                actor=actor,
                version=data["version"],
                facts=data["facts"],
                terms=data["terms"],
                performance_method=data["performance_method"],
                performance_deadline=data["performance_deadline"],
                partial=data["partial"],
                unresolved=data["unresolved"],
            ),
            "primary",
        ),
        _spec(
            Action.FOLLOW_UP,
            forms.FollowUpForm,
            lambda case, actor, data: services.mediation_term_follow_up(
                case=case,
                term=data["term"],
                actor=actor,
                version=data["version"],
                performance=data["performance"],
                note=data["note"],
            ),
            "primary",
            shown=_has_terms,
        ),
        _spec(
            Action.COURT_APPLY,
            forms.CourtApplyForm,
            lambda case, actor, data: services.mediation_court_apply(
                case=case, actor=actor, version=data["version"], applied_on=data["applied_on"], court=data["court"]
            ),
            shown=_court_window_open,
        ),
        _spec(
            Action.COURT_RESULT,
            forms.CourtResultForm,
            lambda case, actor, data: services.mediation_court_result(
                case=case, actor=actor, version=data["version"], result=data["result"], decided_on=data["decided_on"]
            ),
            "primary",
            shown=_court_pending,
        ),
        _spec(
            Action.RETURN_TO_DESK,
            forms.HandOverForm,
            lambda case, actor, data: services.mediation_case_return_to_desk(
                case=case, actor=actor, version=data["version"], note=data["note"]
            ),
            "primary",
            shown=lambda case: case.petition_id is not None,
        ),
        _spec(
            Action.REFER,
            forms.HandOverForm,
            lambda case, actor, data: services.mediation_case_refer(
                case=case, actor=actor, version=data["version"], note=data["note"]
            ),
        ),
        _spec(
            Action.FAIL,
            forms.ReasonForm,
            lambda case, actor, data: services.mediation_case_fail(
                case=case, actor=actor, version=data["version"], reason=data["reason"]
            ),
        ),
        _spec(
            Action.WITHDRAW,
            forms.WithdrawForm,
            lambda case, actor, data: services.mediation_case_withdraw(
                case=case, actor=actor, version=data["version"], reason=data["reason"], party=data["party"]
            ),
        ),
        _spec(
            Action.ASSIGN,
            forms.AssignForm,
            lambda case, actor, data: services.mediation_case_assign(
                case=case,
                actor=actor,
                version=data["version"],
                mediators=list(data["mediators"]),
                chosen_by_parties=data["chosen_by_parties"],
                invited_helpers=data["invited_helpers"],
            ),
        ),
        _spec(
            Action.FLAG_POLICE,
            forms.ReasonForm,
            lambda case, actor, data: services.mediation_case_flag_police(
                case=case, actor=actor, version=data["version"], reason=data["reason"]
            ),
            shown=lambda case: case.police_flagged_at is None,
        ),
        _spec(
            Action.NOTE,
            forms.NoteForm,
            lambda case, actor, data: services.mediation_case_add_note(
                case=case, actor=actor, version=None, text=data["text"]
            ),
        ),
    ]
)


def allowed_actions(user, case: MediationCase) -> list[str]:
    """The actions this user may take on this case now, in the order of ACTIONS."""
    possible = set(actions_from(case.state))
    return [
        action
        for action, spec in ACTIONS.items()
        if action in possible and spec.shown(case) and can_act_on_case(user, case, action)
    ]


def action_forms_for(user, case: MediationCase, *, bound=None) -> list[tuple[str, ActionSpec, django_forms.Form]]:
    """The actions this user may take on this case now, each with its form."""
    result = []
    for action in allowed_actions(user, case):
        spec = ACTIONS[action]
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = spec.form(initial={"version": case.version}, case=case, prefix=action)
        result.append((action, spec, form))
    return result
