"""The petition lifecycle as one table. `petitions.services` is the only code that changes
a petition's state, and it refuses anything this table does not list.

    action              from                    → to
"""

from __future__ import annotations

from petitions.states import Action, State

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    # Register and route within 15 days (Art. 22).
    Action.ACCEPT: {State.REGISTERED: frozenset({State.HANDLING})},
    Action.ASSIGN: {State.REGISTERED: frozenset({State.HANDLING})},
    Action.TRANSFER: {State.REGISTERED: frozenset({State.TRANSFERRED})},
    Action.REJECT: {State.REGISTERED: frozenset({State.NOT_ACCEPTED})},
    # A unit that got the matter by mistake objects within 5 working days (Art. 23).
    Action.OBJECT: {State.HANDLING: frozenset({State.REGISTERED})},
    # What a village cannot solve goes up to the town desk (村报提级办).
    Action.ESCALATE: {State.HANDLING: frozenset({State.REGISTERED})},
    # Written notice within 15 days (Art. 23); one extension of at most 30 days (Art. 34).
    Action.NOTIFY: {State.HANDLING: frozenset({State.HANDLING})},
    Action.EXTEND: {State.HANDLING: frozenset({State.HANDLING})},
    # Written reply: supported / explained / not supported (Art. 32).
    Action.REPLY: {State.HANDLING: frozenset({State.REPLIED})},
    # Follow-up visit: satisfied closes; dissatisfied for the unit's own reasons is redone.
    Action.FOLLOW_UP: {State.REPLIED: frozenset({State.CLOSED, State.HANDLING})},
    # The resident's own rating: satisfied closes; dissatisfied waits for the follow-up visit.
    Action.RATE: {State.REPLIED: frozenset({State.CLOSED, State.REPLIED})},
    # Review (Art. 35) and re-review (Art. 36); after re-review the matter is final.
    Action.REQUEST_REVIEW: {State.CLOSED: frozenset({State.UNDER_REVIEW})},
    Action.ANSWER_REVIEW: {State.UNDER_REVIEW: frozenset({State.CLOSED})},
    Action.REQUEST_RE_REVIEW: {State.CLOSED: frozenset({State.UNDER_RE_REVIEW})},
    Action.ANSWER_RE_REVIEW: {State.UNDER_RE_REVIEW: frozenset({State.FINAL})},
    # Notes and linking change no state; allowed while the case is open.
    Action.NOTE: {
        state: frozenset({state})
        for state in (State.REGISTERED, State.HANDLING, State.REPLIED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW)
    },
    Action.ATTACH: {
        state: frozenset({state})
        for state in (State.REGISTERED, State.HANDLING, State.REPLIED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW)
    },
    Action.LINK_REPEAT: {state: frozenset({state}) for state in (State.REGISTERED, State.HANDLING)},
    # Who answers for the case (谁主管谁负责) may change while it is open, with a reason.
    Action.SET_RESPONSIBLE: {
        state: frozenset({state})
        for state in (State.REGISTERED, State.HANDLING, State.REPLIED, State.UNDER_REVIEW, State.UNDER_RE_REVIEW)
    },
    # Up-down linkage: the town liaison joint meeting, then the district's, takes up what the
    # desk cannot solve; its decision assigns the case with a deadline (routing or reassigning it).
    Action.REFER_MEETING: {state: frozenset({state}) for state in (State.REGISTERED, State.HANDLING, State.REPLIED)},
    Action.MEETING_DECISION: {
        State.REGISTERED: frozenset({State.HANDLING}),
        State.HANDLING: frozenset({State.HANDLING}),
    },
}


def allowed_targets(action: str, from_state: str) -> frozenset[str]:
    return ALLOWED.get(action, {}).get(from_state, frozenset())


def actions_from(state: str) -> list[str]:
    return [action for action, table in ALLOWED.items() if state in table]
