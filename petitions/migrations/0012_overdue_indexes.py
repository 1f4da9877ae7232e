from django.db import migrations

# The leaders' dashboard's overdue rule (reports/dashboard.py, ``overdue_arms``) as four
# alternatives, each answered by one of these indexes instead of a scan of every petition
# (plan in bench/plans/dashboard.txt):
#
# - never routed / never replied, past the date: the route-by (handle-by) date while the case
#   is unrouted (unreplied), NULL after. Indexed as that expression, not as a partial index on
#   ``routed_at IS NULL``, because PostgreSQL keeps statistics on an indexed expression and
#   uses them for the estimate: with a partial index it guessed ~55,000 unreplied cases past
#   their date (the share of unreplied × the share past the date), ~0 in fact, and chose to
#   read the table. The expressions must stay exactly those the dashboard writes.
# - routed / replied on the day or since: a range of plain indexes on ``routed_at`` and
#   ``replied_at``.
#
# Raw SQL for PostgreSQL only, like the trigram indexes of 0011: SQLite holds the demo year.
INDEXES = (
    ("petition_unrouted_route_due", "(CASE WHEN routed_at IS NULL THEN route_due ELSE NULL END)"),
    ("petition_routed_at", "routed_at"),
    ("petition_unreplied_handle_due", "(CASE WHEN replied_at IS NULL THEN handle_due ELSE NULL END)"),
    ("petition_replied_at", "replied_at"),
)


def overdue_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON petitions_petition ({expression})")
    # The expressions' statistics exist only after an ANALYZE, and autovacuum analyzes a big
    # table only after a tenth of it has changed: until then the planner would guess a third
    # of the table for each expression.
    schema_editor.execute("ANALYZE petitions_petition")


def drop_overdue_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0011_list_and_search_indexes"),
    ]

    operations = [
        migrations.RunPython(overdue_indexes, drop_overdue_indexes, elidable=False),
    ]
