"""The mediation clock: the parties may jointly ask a court to confirm the agreement within
30 days of it taking effect (People's Mediation Law Art. 33) — calendar days."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from mediation.states import CourtResult

JUDICIAL_CONFIRMATION_DAYS = 30


def confirmation_due(signed_on: date) -> date:
    return signed_on + timedelta(days=JUDICIAL_CONFIRMATION_DAYS)


def confirmation_days_left(agreement, *, on: date | None = None) -> int:
    """Days left to ask the court (0 on the last day, negative once the window has closed)."""
    on = on or timezone.localdate()
    return (agreement.judicial_confirmation_due - on).days


def confirmation_window_open(agreement, *, on: date | None = None) -> bool:
    """Nobody has applied yet and the 30 days have not run out."""
    return agreement.court_result == CourtResult.NOT_REQUESTED and confirmation_days_left(agreement, on=on) >= 0
