from datetime import date

import pytest

from accountability.demo import seed_accountability
from accountability.models import AccountabilityRecord, Decision, Meeting, Supervision
from accountability.states import DecisionState, Level
from desk.demo import build_demo
from petitions.states import Action

TODAY = date(2026, 11, 26)


@pytest.mark.django_db
def test_demo_year_of_meetings_decisions_and_supervision():
    demo = build_demo(seed=5, today=TODAY, petitions=600)  # seed_demo seeds the meetings too
    town, result = demo.town, demo.accountability
    assert Meeting.objects.filter(level=Level.TOWN).count() == 11
    assert Meeting.objects.filter(level=Level.DISTRICT).count() == 2
    assert result.decisions == Decision.objects.count() > 40
    assert Decision.objects.filter(state=DecisionState.SENT_TO_DISTRICT).count() <= 2
    assert not Decision.objects.filter(state=DecisionState.DONE, unit__isnull=True).exists()
    for decision in Decision.objects.exclude(state=DecisionState.SENT_TO_DISTRICT).select_related("item__petition"):
        assert decision.item.petition.timeline.filter(action=Action.MEETING_DECISION).exists()
    assert result.supervisions == Supervision.objects.count() > 0
    assert result.records == AccountabilityRecord.objects.count() > 0
    again = seed_accountability(town=town, year_start=date(2026, 1, 1), today=TODAY, seed=5)
    assert again.meetings == 0
