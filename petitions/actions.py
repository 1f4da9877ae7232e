"""Which form each lifecycle action uses on the case page, and which service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.utils.translation import gettext as _

from petitions import clocks, forms, responsibility, services
from petitions.errors import InvalidInput
from petitions.models import Petition
from petitions.permissions import can_act
from petitions.states import Action
from petitions.transitions import actions_from
from petitions.widgets import speed_up


@dataclass(frozen=True)
class ActionSpec:
    action: str
    form: type[django_forms.Form]
    run: Callable[..., Petition]
    style: str
    # Hides an action the petition's own record rules out (already notified, already extended…).
    shown: Callable[[Petition], bool]

    @property
    def label(self) -> str:
        return str(Action(self.action).label)


def _earlier(petition: Petition, data) -> Petition:
    earlier = Petition.objects.filter(town=petition.town, tracking_number=data["earlier"].strip().upper()).first()
    if earlier is None:
        raise InvalidInput(_("No petition with this tracking number."))
    return earlier


def _always(petition: Petition) -> bool:
    return True


def _spec(action, form, run, style="secondary", shown=_always) -> tuple[str, ActionSpec]:
    return action, ActionSpec(action=action, form=form, run=run, style=style, shown=shown)


ACTIONS: dict[str, ActionSpec] = dict(
    [
        _spec(
            Action.ASSIGN,
            forms.AssignForm,
            lambda petition, actor, data: services.petition_assign(
                petition=petition,
                actor=actor,
                version=data["version"],
                unit=data["unit"],
                leader=data["leader"],
                handler=data["handler"],
                report_due=data["report_due"],
                note=data["note"],
            ),
            "primary",
        ),
        _spec(
            Action.ACCEPT,
            forms.AcceptForm,
            lambda petition, actor, data: services.petition_accept(
                petition=petition,
                actor=actor,
                version=data["version"],
                leader=data["leader"],
                handler=data["handler"],
                note=data["note"],
            ),
        ),
        _spec(
            Action.TRANSFER,
            forms.TransferForm,
            lambda petition, actor, data: services.petition_transfer(
                petition=petition,
                actor=actor,
                version=data["version"],
                destination=data["destination"],
                note=data["note"],
            ),
        ),
        _spec(
            Action.REJECT,
            forms.ReasonForm,
            lambda petition, actor, data: services.petition_reject(
                petition=petition, actor=actor, version=data["version"], reason=data["reason"]
            ),
        ),
        _spec(
            Action.NOTIFY,
            forms.TextForm,
            lambda petition, actor, data: services.petition_notify(
                petition=petition, actor=actor, version=data["version"], text=data["text"]
            ),
            "primary",
            shown=lambda p: p.notified_at is None,
        ),
        _spec(
            Action.REPLY,
            forms.ReplyForm,
            lambda petition, actor, data: services.petition_reply(
                petition=petition, actor=actor, version=data["version"], outcome=data["outcome"], text=data["text"]
            ),
            "primary",
        ),
        _spec(
            Action.EXTEND,
            forms.ExtendForm,
            lambda petition, actor, data: services.petition_extend(
                petition=petition, actor=actor, version=data["version"], days=data["days"], reason=data["reason"]
            ),
            shown=lambda p: not p.extension_days,
        ),
        _spec(
            Action.OBJECT,
            forms.ReasonForm,
            lambda petition, actor, data: services.petition_object(
                petition=petition, actor=actor, version=data["version"], reason=data["reason"]
            ),
            shown=lambda p: p.object_due is not None and p.object_due >= clocks.today(),
        ),
        _spec(
            Action.ESCALATE,
            forms.ReasonForm,
            lambda petition, actor, data: services.petition_escalate(
                petition=petition, actor=actor, version=data["version"], reason=data["reason"]
            ),
        ),
        _spec(
            Action.FOLLOW_UP,
            forms.FollowUpForm,
            lambda petition, actor, data: services.petition_follow_up(
                petition=petition,
                actor=actor,
                version=data["version"],
                satisfaction=data["satisfaction"],
                unit_at_fault=data["unit_at_fault"],
                note=data["note"],
            ),
            "primary",
        ),
        _spec(
            Action.REQUEST_REVIEW,
            forms.TextForm,
            lambda petition, actor, data: services.petition_request_review(
                petition=petition, actor=actor, version=data["version"], note=data["text"]
            ),
            shown=lambda p: p.review_requested_at is None and p.replied_at is not None,
        ),
        _spec(
            Action.ANSWER_REVIEW,
            forms.TextForm,
            lambda petition, actor, data: services.petition_answer_review(
                petition=petition, actor=actor, version=data["version"], text=data["text"]
            ),
            "primary",
        ),
        _spec(
            Action.REQUEST_RE_REVIEW,
            forms.TextForm,
            lambda petition, actor, data: services.petition_request_re_review(
                petition=petition, actor=actor, version=data["version"], note=data["text"]
            ),
            shown=lambda p: p.review_answered_at is not None and p.re_review_requested_at is None,
        ),
        _spec(
            Action.ANSWER_RE_REVIEW,
            forms.TextForm,
            lambda petition, actor, data: services.petition_answer_re_review(
                petition=petition, actor=actor, version=data["version"], text=data["text"]
            ),
            "primary",
        ),
        _spec(
            Action.SET_RESPONSIBLE,
            forms.SetResponsibleForm,
            lambda petition, actor, data: responsibility.petition_set_responsible(
                petition=petition, actor=actor, version=data["version"], leader=data["leader"], reason=data["reason"]
            ),
        ),
        _spec(
            Action.LINK_REPEAT,
            forms.LinkRepeatForm,
            lambda petition, actor, data: services.petition_link_repeat(
                petition=petition, actor=actor, version=data["version"], earlier=_earlier(petition, data)
            ),
        ),
        _spec(
            Action.ATTACH,
            forms.AttachForm,
            lambda petition, actor, data: services.petition_attach(
                petition=petition,
                actor=actor,
                version=None,
                files=data["files"],
                public=data["public"],
                keep_metadata=data["keep_location"],
            ),
        ),
        _spec(
            Action.NOTE,
            forms.NoteForm,
            lambda petition, actor, data: services.petition_add_note(
                petition=petition, actor=actor, version=None, text=data["text"], public=data["public"]
            ),
        ),
    ]
)


def action_forms_for(user, petition: Petition, *, bound=None) -> list[tuple[str, ActionSpec, django_forms.Form]]:
    """The actions this user may take on this petition now, each with its form."""
    result = []
    possible = set(actions_from(petition.state))
    for action, spec in ACTIONS.items():  # in the order of ACTIONS: the usual next step first
        if action not in possible or not spec.shown(petition) or not can_act(user, petition, action):
            continue
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = spec.form(initial={"version": petition.version}, petition=petition, prefix=action)
        result.append((action, spec, speed_up(form)))
    return result
