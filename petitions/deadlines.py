"""The daily deadline sweep: keep every open case's next deadline current and tell the people
who answer for it when it turns amber (due within the amber days) or red (overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import NotificationKind, Role
from core.notifications import notifications_send
from petitions import clocks, listcache
from petitions.models import Petition
from petitions.states import OPEN_STATES, Kind, Light, State

CHUNK = 2000


@dataclass(frozen=True)
class SweepResult:
    recomputed: int
    amber: int
    red: int
    notified: int


def _recompute(town_id: int | None) -> int:
    """Rewrite ``next_due`` where it no longer matches the stored deadlines (a changed time
    limit, a repaired row). Conditional on the version, so a case changed meanwhile by a user
    keeps what that change computed."""
    open_cases = Petition.objects.filter(state__in=OPEN_STATES)
    if town_id is not None:
        open_cases = open_cases.filter(town_id=town_id)
    fields = ("id", "state", "version", "next_due", "route_due", "handle_due", "report_due", "notify_due")
    fields += ("notified_at", "review_due", "re_review_due")
    changed = 0
    for p in open_cases.only(*fields).iterator(chunk_size=CHUNK):
        due = clocks.next_due(p)
        if due != p.next_due:
            changed += Petition.objects.filter(pk=p.pk, version=p.version).update(next_due=due)
    if changed:  # QuerySet.update sends no signal: the cached case lists show the old dates
        listcache.bump(town_id)
    return changed


def _recipients(p: Petition, desk_clerks: list) -> list:
    if p.kind == Kind.ACCUSATION:  # accusations reach the discipline committee only
        people = [p.handler] if p.handler and p.handler.role == Role.INSPECTOR else []
        return people or [u for u in desk_clerks if u.role == Role.INSPECTOR]
    people = [p.handler, p.responsible_leader]
    if p.unit_id and p.unit.head_id:
        people.append(p.unit.head)
    if p.state == State.REGISTERED and not any(people):
        people = [u for u in desk_clerks if u.role == Role.DESK_CLERK]  # routing is the desk's
    return [u for u in people if u is not None]


def deadlines_sweep(*, today: date | None = None, town_id: int | None = None) -> SweepResult:
    """Run once a day (and safely again): a second run the same day alerts nobody twice."""
    today = today or timezone.localdate()
    recomputed = _recompute(town_id)
    amber_until = today + timedelta(days=clocks.limit_days(clocks.Key.AMBER))
    due_soon = (
        Petition.objects.filter(state__in=OPEN_STATES, next_due__lte=amber_until)
        .exclude(Q(alerted_due=F("next_due")) & Q(alerted_light=Light.RED))  # nothing left to tell
        .select_related("handler", "responsible_leader", "unit__head")
        .order_by("next_due", "pk")
    )
    if town_id is not None:
        due_soon = due_soon.filter(town_id=town_id)
    staff_by_town: dict[int, list] = {}
    counts = {Light.AMBER: 0, Light.RED: 0}
    notified = 0
    for p in due_soon.iterator(chunk_size=CHUNK):
        light = clocks.light_for(p.next_due, on=today)
        if light not in counts or (p.alerted_light, p.alerted_due) == (light, p.next_due):
            continue
        if p.town_id not in staff_by_town:
            staff_by_town[p.town_id] = list(
                get_user_model().objects.filter(
                    town_id=p.town_id, is_active=True, role__in=(Role.DESK_CLERK, Role.INSPECTOR)
                )
            )
        facts = {"number": p.tracking_number, "due": p.next_due.isoformat()}
        if light == Light.RED:
            title = _("%(number)s is overdue: its deadline was %(due)s") % facts
        else:
            title = _("%(number)s is due by %(due)s") % facts
        with transaction.atomic():
            claimed = (
                Petition.objects.filter(pk=p.pk, next_due=p.next_due)
                .exclude(alerted_light=light, alerted_due=p.next_due)
                .update(alerted_light=light, alerted_due=p.next_due)
            )
            if not claimed:  # changed since it was read, or another sweep told them already
                continue
            notified += notifications_send(
                recipients=_recipients(p, staff_by_town[p.town_id]),
                title=title,
                body=_("State: %(state)s. Deadline: %(due)s.") % {**facts, "state": State(p.state).label},
                url=reverse("petitions:detail", args=[p.tracking_number]),
                kind=NotificationKind.DEADLINE,
            )
        counts[light] += 1
    return SweepResult(recomputed=recomputed, amber=counts[Light.AMBER], red=counts[Light.RED], notified=notified)
