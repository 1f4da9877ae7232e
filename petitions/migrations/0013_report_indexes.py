from django.db import migrations

# The weekly circular and the monthly analysis (reports/selectors.py): each of their
# statements is bounded by its period on one date column. Without an index there PostgreSQL
# read all the petitions, or all the timeline entries, for every figure (plans before and
# after in bench/plans/report-*.txt):
#
# - registrations: the 13 months of the early warning (by category, by village) and the 90
#   days of the repeated petitioners are read from this index alone; it carries the columns
#   those statements filter, group and join on;
# - ratings, closings and escalations in the period (routings and replies: 0012's indexes);
# - the timeline's follow-up visits, assignments and objections in the period: the only
#   actions the reports count, so a partial index (a third of the entries) that holds what
#   they read.
#
# Raw SQL for PostgreSQL only, like 0011 and 0012 (INCLUDE is PostgreSQL's; SQLite holds the
# demo year).
INDEXES = (
    (
        "petition_report_registered",
        "petitions_petition (registered_at) INCLUDE (town_id, village_id, category_id, kind, id)",
    ),
    ("petition_rated_at", "petitions_petition (rated_at)"),
    ("petition_closed_at", "petitions_petition (closed_at)"),
    ("petition_escalated_at", "petitions_petition (escalated_at) WHERE escalated_at IS NOT NULL"),
    (
        "timeline_report_actions",
        "petitions_timelineentry (at) INCLUDE (action, to_state, petition_id)"
        " WHERE action IN ('follow_up', 'assign', 'object')",
    ),
)


def report_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_report_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_overdue_indexes"),
    ]

    operations = [
        migrations.RunPython(report_indexes, drop_report_indexes, elidable=False),
    ]
