"""The mediation lifecycle as one table. `mediation.services` is the only code that changes
a case's state, and it refuses anything this table does not list.

    action              from                        → to
"""

from __future__ import annotations

from mediation.states import AGREEMENT_STATES, OPEN_STATES, UNFINISHED_STATES, Action, State


def _same(states) -> dict[str, frozenset[str]]:
    return {state: frozenset({state}) for state in states}


ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    # Mediators are assigned, or chosen by the parties, before or during mediation.
    Action.ASSIGN: _same(OPEN_STATES),
    # The work record (调解工作记录): the first session starts the mediation.
    Action.SESSION: {
        State.REGISTERED: frozenset({State.IN_MEDIATION}),
        State.IN_MEDIATION: frozenset({State.IN_MEDIATION}),
    },
    # The written agreement (调解协议书) settles all of the dispute, or part of it.
    Action.AGREE: {State.IN_MEDIATION: frozenset({State.AGREED, State.PARTLY_AGREED})},
    Action.FAIL: {State.IN_MEDIATION: frozenset({State.FAILED})},
    # Either party may refuse mediation or end it at any time.
    Action.WITHDRAW: {state: frozenset({State.WITHDRAWN}) for state in OPEN_STATES},
    # A failed case goes back to the petition desk or on to the town's centre, with its history.
    Action.RETURN_TO_DESK: {State.FAILED: frozenset({State.RETURNED})},
    Action.REFER: {State.FAILED: frozenset({State.REFERRED})},
    # A dispute that may turn into a public-order or criminal case is reported at once (Art. 25);
    # the report is recorded and the case goes on.
    Action.FLAG_POLICE: _same(UNFINISHED_STATES),
    # The committee follows up the agreement; the parties may ask a court to confirm it.
    Action.FOLLOW_UP: _same(AGREEMENT_STATES),
    Action.COURT_APPLY: _same(AGREEMENT_STATES),
    Action.COURT_RESULT: _same(AGREEMENT_STATES),
    Action.NOTE: _same((*UNFINISHED_STATES, *AGREEMENT_STATES)),
}


def allowed_targets(action: str, from_state: str) -> frozenset[str]:
    return ALLOWED.get(action, {}).get(from_state, frozenset())


def actions_from(state: str) -> list[str]:
    return [action for action, table in ALLOWED.items() if state in table]
