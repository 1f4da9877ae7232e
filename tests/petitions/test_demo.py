"""The demo year of petitions: the article's figures, and every petition a believable walk
through the same lifecycle table and clocks the services enforce."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from desk.demo import build_demo
from petitions import clocks
from petitions.models import Petition, TimelineEntry, TrackingCounter
from petitions.services import QUERY_CODE_ALPHABET
from petitions.states import OPEN_STATES, Action, Kind, Outcome, Satisfaction, State
from petitions.transitions import allowed_targets

TODAY = date(2026, 11, 26)
SEED = 2026


@pytest.fixture
def demo(db):
    result = build_demo(seed=SEED, today=TODAY)
    assert result.petitions == 860
    return result


def test_the_demo_has_the_articles_860_petitions_of_this_year(demo):
    assert Petition.objects.count() == 860
    assert Petition.objects.filter(town=demo.town).count() == 860
    registered = [timezone.localdate(at) for at in Petition.objects.values_list("registered_at", flat=True)]
    assert min(registered) >= date(2026, 1, 1)
    assert max(registered) <= TODAY
    # accusations in their own series: neither series has a gap
    accusations = Petition.objects.filter(kind="accusation")
    public = sorted(Petition.objects.exclude(kind="accusation").values_list("tracking_number", flat=True))
    secret = sorted(accusations.values_list("tracking_number", flat=True))
    assert accusations.count() > 0
    assert public == [f"DHK-2026-{n:06d}" for n in range(1, len(public) + 1)]
    assert secret == [f"DHK-JK-2026-{n:06d}" for n in range(1, len(secret) + 1)]
    assert TrackingCounter.objects.get(town=demo.town, series="", year=2026).last == len(public)
    assert TrackingCounter.objects.get(town=demo.town, series="JK", year=2026).last == len(secret)


def test_no_open_petition_is_overdue(demo):
    open_petitions = Petition.objects.filter(state__in=OPEN_STATES)
    assert open_petitions.exists()
    assert not open_petitions.filter(next_due__lt=TODAY).exists()


def test_every_stored_next_due_is_what_the_clocks_say(demo):
    for petition in Petition.objects.all():
        assert petition.next_due == clocks.next_due(petition), petition.tracking_number


def test_every_reply_came_on_or_before_its_handle_due(demo):
    replied = Petition.objects.exclude(replied_at=None)
    assert replied.filter(state=State.CLOSED).count() > 700
    for petition in replied:
        assert timezone.localdate(petition.replied_at) <= petition.handle_due, petition.tracking_number
    # Nothing is closed without a reply (transfers and refusals end in their own states).
    assert not Petition.objects.filter(state=State.CLOSED, replied_at=None).exists()


def test_everyone_who_rated_was_satisfied_or_basically_satisfied(demo):
    rated = Petition.objects.exclude(satisfaction="")
    assert rated.count() > 700
    assert set(rated.values_list("satisfaction", flat=True)) == {Satisfaction.SATISFIED, Satisfaction.BASICALLY}
    assert not rated.filter(rated_at=None).exists()


def test_six_key_matters_and_thirty_public_interest_demands_all_resolved(demo):
    key = Petition.objects.filter(is_key_matter=True)
    public = Petition.objects.filter(is_public_interest=True)
    assert key.count() == 6
    assert public.count() == 30
    assert not key.filter(is_public_interest=True).exists()
    for flagged in (key, public):
        assert set(flagged.values_list("state", "outcome").distinct()) == {(State.CLOSED, Outcome.SUPPORTED)}
        assert not flagged.filter(kind=Kind.ACCUSATION).exists()


def test_every_timeline_is_a_walk_through_the_lifecycle_table(demo):
    entries: dict[int, list[TimelineEntry]] = {}
    for entry in TimelineEntry.objects.order_by("at", "id"):
        entries.setdefault(entry.petition_id, []).append(entry)
    petitions = Petition.objects.in_bulk()
    assert set(entries) == set(petitions)
    for pk, timeline in entries.items():
        first, *rest = timeline
        assert (first.action, first.from_state, first.to_state) == (Action.REGISTER, "", State.REGISTERED)
        state = State.REGISTERED
        for entry in rest:
            assert entry.from_state == state, petitions[pk].tracking_number
            assert entry.to_state in allowed_targets(entry.action, state), (petitions[pk].tracking_number, entry.action)
            state = entry.to_state
        assert state == petitions[pk].state, petitions[pk].tracking_number


def test_accusations_stay_with_the_discipline_committee(demo):
    accusations = Petition.objects.filter(kind=Kind.ACCUSATION)
    assert accusations.exists()
    routed = accusations.exclude(unit=None)
    assert set(routed.values_list("unit__name", flat=True)) == {"镇纪委"}
    actors = TimelineEntry.objects.filter(petition__in=accusations).exclude(action=Action.REGISTER)
    assert set(actors.values_list("actor__role", flat=True)) == {"inspector"}


def test_query_codes_are_eight_unambiguous_characters(demo):
    for code in Petition.objects.values_list("query_code", flat=True):
        assert len(code) == 8 and set(code) <= set(QUERY_CODE_ALPHABET), code


class _Undo(Exception):
    """Rolls a demo build back, so the next one starts from an empty town."""


def built(seed: int) -> list[tuple]:
    rows: list[tuple] = []
    try:
        with transaction.atomic():
            result = build_demo(seed=seed, today=TODAY)
            assert result.petitions == 860
            rows = list(
                Petition.objects.order_by("tracking_number").values_list(
                    "tracking_number", "title", "state", "kind", "village__code", "registered_at", "query_code"
                )
            )
            raise _Undo
    except _Undo:
        pass
    assert not Petition.objects.exists()
    return rows


def test_the_same_seed_gives_the_same_petitions_and_another_seed_does_not(db):
    first = built(SEED)
    assert len(first) == 860
    assert built(SEED) == first
    other = built(SEED + 1)
    assert len(other) == 860
    assert other != first
    assert [row[1:3] for row in other] != [row[1:3] for row in first]  # titles and states, not just codes


def test_building_the_demo_twice_adds_no_petitions(demo):
    timeline = TimelineEntry.objects.count()
    again = build_demo(seed=SEED, today=TODAY)
    assert again.already_loaded
    assert again.petitions == 0
    assert Petition.objects.count() == 860
    assert TimelineEntry.objects.count() == timeline
    again = build_demo(seed=SEED + 1, today=TODAY)
    assert Petition.objects.count() == 860
