"""The petition fixtures (units, register, walk, act, clock) and a meeting planner."""

from datetime import date, timedelta

import pytest

from accountability import services as acc
from accountability.states import Level
from tests.petitions.conftest import *  # noqa: F403

DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def today(clock):
    clock.set(DAY)
    return DAY


@pytest.fixture
def plan(town, desk_clerk, leader, today):
    """Plan a meeting (the desk clerk is the secretary, the leader chairs)."""

    def _plan(*, level=Level.TOWN, days=3, **kwargs):
        kwargs.setdefault("chair", leader)
        kwargs.setdefault("secretary", desk_clerk)
        return acc.meeting_plan(town=town, actor=desk_clerk, date=today + timedelta(days=days), level=level, **kwargs)

    return _plan
