"""Audit events become append-only in the database itself: a trigger refuses every UPDATE and DELETE of an event
row, whoever sends it (the ORM, raw SQL, the admin, a psql session of the application's role).

The one sanctioned delete is `xinfang audit purge`: it raises a flag for its own transaction (PostgreSQL:
`SET LOCAL xinfang.audit_purge = 'on'`; SQLite: the one row of `audit_appendonly_control`), and even then the
trigger lets only events older than 183 days (6 months, the legal minimum of retention) go. The chain head
(`audit_auditchainhead`) is not covered: every append updates it.

This runs after 0003/0004, which rewrite no event rows themselves. On SQLite a later migration that makes Django
rebuild the event table (most AlterField) drops these triggers with the old table: it must recreate them
(`tests/audit/test_append_only.py` fails otherwise). The SQL is frozen here on purpose, not imported.
"""

from django.db import migrations

TABLE = "audit_auditevent"

POSTGRES_CREATE = [
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('xinfang.audit_purge', true) = 'on'
           AND OLD.occurred_at < now() - interval '183 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % of event % refused (审计事件只可追加，不可修改或删除)',
            TG_OP, OLD.id USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]

# Not a model, so Django's flush leaves it alone. `flush` = 1 lets the `flush` command empty the table (the
# audit app overrides it: SQLite has no TRUNCATE that would pass a row trigger, and the test runner flushes).
SQLITE_CREATE = [
    """
    CREATE TABLE audit_appendonly_control (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        purge INTEGER NOT NULL DEFAULT 0,
        flush INTEGER NOT NULL DEFAULT 0
    )
    """,
    "INSERT INTO audit_appendonly_control (id, purge, flush) VALUES (1, 0, 0)",
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused (审计事件只可追加，不可修改)');
    END
    """,
    # Stored datetimes are UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]'), which compares in time order.
    # coalesce: a missing control row means no flag, never "no guard".
    f"""
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT coalesce((SELECT flush FROM audit_appendonly_control WHERE id = 1), 0)
     AND NOT (coalesce((SELECT purge FROM audit_appendonly_control WHERE id = 1), 0)
              AND OLD.occurred_at < datetime('now', '-183 days'))
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused (审计事件只可追加，不可删除)');
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TABLE IF EXISTS audit_appendonly_control",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def create_guard(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_guard(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_head_event_count"),
    ]

    operations = [
        migrations.RunPython(create_guard, drop_guard),
    ]
