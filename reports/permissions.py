"""Who reads reports, the dashboard and the job runs, and who asks for a report on demand
(CONVENTIONS.md §6).

Reports are announced to the town's leaders and to its villages, and the circular names the
units that are late, so every member of staff of the town reads them except mediators (they
see no petitions at all). Their named lists never hold an accusation (reports.selectors).
The live dashboard is for leaders, discipline inspectors and administrators.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from core.models import Role
from reports.models import ReportSnapshot

REPORT_READERS = frozenset(
    {
        Role.LEADER,
        Role.INSPECTOR,
        Role.DESK_CLERK,
        Role.ADMIN,
        Role.HANDLER,
        Role.GRID_WORKER,
        Role.VILLAGE_AGENT,
    }
)
DASHBOARD_READERS = frozenset({Role.LEADER, Role.INSPECTOR, Role.ADMIN})
JOB_READERS = frozenset({Role.LEADER, Role.ADMIN})


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def can_read_reports(user) -> bool:
    return user.is_authenticated and _role(user) in REPORT_READERS


def snapshots_visible_to(user) -> QuerySet[ReportSnapshot]:
    """The reports of the user's town (every town for staff bound to none)."""
    if not can_read_reports(user):
        return ReportSnapshot.objects.none()
    snapshots = ReportSnapshot.objects.all()
    return snapshots if user.town_id is None else snapshots.filter(town_id=user.town_id)


def get_snapshot_for_user(user, pk: int) -> ReportSnapshot:
    snapshot = snapshots_visible_to(user).select_related("town", "generated_by").filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    return snapshot


def can_generate_reports(user) -> bool:
    """A report for a past period on demand: administrators."""
    return user.is_authenticated and _role(user) == Role.ADMIN


def can_see_dashboard(user) -> bool:
    return user.is_authenticated and _role(user) in DASHBOARD_READERS


def can_see_job_runs(user) -> bool:
    return user.is_authenticated and _role(user) in JOB_READERS
