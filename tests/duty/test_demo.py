"""The demo roster: a leader on duty every day of the year, weekly reception days and the
monthly visit to a village, the staff cards and the default scheme; a second run adds nothing."""

from datetime import date

import pytest

from core.demo import seed_town
from core.models import Role
from duty.demo import seed_duty
from duty.models import AssessmentScheme, LeaderOnDuty, ReceptionDay, StaffCard


@pytest.mark.django_db
def test_the_demo_roster_covers_the_year_and_is_idempotent():
    town = seed_town(seed=3).town
    first = seed_duty(town=town, today=date(2026, 11, 26), seed=3)
    assert first.duty_days == 365 == LeaderOnDuty.objects.filter(town=town).count()
    assert LeaderOnDuty.objects.filter(day__year=2026).values("day").distinct().count() == 365
    assert set(LeaderOnDuty.objects.values_list("leader__role", flat=True)) == {Role.LEADER}
    wednesdays = ReceptionDay.objects.filter(day__week_day=4).count()  # Django: 1 = Sunday
    assert wednesdays == 52 and ReceptionDay.objects.count() == 52 + 12
    assert StaffCard.objects.count() == first.cards == 6
    assert AssessmentScheme.objects.filter(town=town).exists()
    again = seed_duty(town=town, today=date(2026, 11, 26), seed=3)
    assert (again.duty_days, again.reception_days, again.cards) == (0, 0, 0)
    assert LeaderOnDuty.objects.count() == 365 and ReceptionDay.objects.count() == 64
