"""The petition fixtures (units, register, walk, clock, …) and a known dataset of March 2026."""

from datetime import date

import pytest

from petitions.models import Category
from petitions.services import Flags
from petitions.states import Action, Channel, Kind, Origin, Outcome, Satisfaction, State
from tests.petitions.conftest import *  # noqa: F403
from tests.petitions.conftest import DIRECT


@pytest.fixture
def dataset(clock, register, walk, act, units, leader, desk_clerk, handler, village_b):
    land = Category.objects.get(code="land-contract")
    social = Category.objects.get(code="social-assistance")
    p = {}
    clock.set(date(2026, 1, 5))  # P4: assigned in January, never notified: overdue
    p[4] = act(Action.ASSIGN, register(title="P4"), desk_clerk, leader=leader)
    clock.set(date(2026, 2, 10))  # P6: transferred in February (same category as P1, P3)
    p[6] = walk(register(title="P6"), State.TRANSFERRED)
    clock.set(date(2026, 3, 3))  # P1: previous week; replied (not supported) and closed this week
    p[1] = walk(register(title="P1"), State.HANDLING)
    clock.set(date(2026, 3, 9))  # P5: village B, hotline enquiry, handled by the town
    p[5] = walk(
        register(title="P5", village=village_b, kind=Kind.ENQUIRY, channel=Channel.HOTLINE, category=social),
        State.HANDLING,
        via=DIRECT,
    )
    clock.set(date(2026, 3, 10))
    p[1] = act(Action.REPLY, p[1], handler, outcome=Outcome.NOT_SUPPORTED)
    p[2] = register(  # P2: assigned from above, skip-level, left registered
        title="P2",
        kind=Kind.SUGGESTION,
        category=land,
        origin=Origin.ASSIGNED,
        upstream_reference="LA-1",
        flags=Flags(skip_level=True),
    )
    clock.set(date(2026, 3, 11))
    p[1] = act(Action.FOLLOW_UP, p[1], desk_clerk)
    p[3] = walk(register(title="P3", village=village_b, flags=Flags(repeat=True)), State.REPLIED)
    p[3] = act(Action.FOLLOW_UP, p[3], desk_clerk, to=State.HANDLING)  # dissatisfied: redo
    clock.set(date(2026, 3, 12))
    p[5] = act(Action.REPLY, p[5], desk_clerk, outcome=Outcome.EXPLAINED)
    clock.set(date(2026, 3, 13))
    p[5] = act(Action.FOLLOW_UP, p[5], desk_clerk, satisfaction=Satisfaction.BASICALLY)
    clock.set(date(2026, 3, 20))
    return {k: v.tracking_number for k, v in p.items()}
