"""The database's own guard of the audit log (migration 0005): triggers refuse UPDATE and DELETE of event rows.

Here: the flag the sanctioned purge raises for its own transaction, whether the guard is in place, and the
GRANTs that give PostgreSQL's application role read and append only on the events.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

EVENT_TABLE = "audit_auditevent"
# The trigger's own floor (hard-coded in migration 0005): even the purge cannot delete younger events.
RETENTION_FLOOR_DAYS = 183
SQLITE_TRIGGERS = ("audit_event_no_delete", "audit_event_no_update")
POSTGRES_TRIGGER = "audit_event_append_only"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@contextmanager
def purge_permitted() -> Iterator[None]:
    """Let the triggers pass DELETEs of events older than the floor, for this savepoint only."""
    if not connection.in_atomic_block:
        raise RuntimeError("the purge flag is transaction-local: raise it inside transaction.atomic()")
    # A savepoint of its own: should the DELETE fail, rolling it back lowers the flag with it (PostgreSQL undoes
    # a SET LOCAL at ROLLBACK TO SAVEPOINT; on SQLite the control row's UPDATE is undone).
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL xinfang.audit_purge = 'on'")
            yield
            cursor.execute("SET LOCAL xinfang.audit_purge = 'off'")
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE audit_appendonly_control SET purge = 1 WHERE id = 1")
            yield
            cursor.execute("UPDATE audit_appendonly_control SET purge = 0 WHERE id = 1")
        else:
            yield


def append_only_installed() -> bool:
    """True when the triggers of migration 0005 are there (and, on PostgreSQL, enabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s "
                           "AND tgenabled <> 'D'", [EVENT_TABLE, POSTGRES_TRIGGER])
            return cursor.fetchone()[0] == 1
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                           "AND name IN (%s, %s)", [EVENT_TABLE, *SQLITE_TRIGGERS])
            return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
    return False


def grants_sql(*, role: str, schema: str = "public") -> list[str]:
    """The GRANTs for PostgreSQL's application role: full DML on the tables, read and append on the events.

    Run by the tables' owner (the role that runs `xinfang migrate` and `xinfang audit purge`) after each migrate,
    since new tables get no grants. Raises ValueError for a role or schema name that is not a plain identifier.
    """
    for name in (role, schema):
        if not ROLE_NAME.match(name):
            raise ValueError(f"名称 {name!r} 无效：只可用小写字母、数字和下划线，且不以数字开头")
    quote = connection.ops.quote_name
    tables = sorted(set(connection.introspection.django_table_names(include_views=False)) - {EVENT_TABLE})
    who = quote(role)
    return [
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {', '.join(quote(t) for t in tables)} TO {who};",
        # Whatever was granted before: the audit log is read and appended to, never changed (issue 19).
        f"REVOKE ALL ON TABLE {quote(EVENT_TABLE)} FROM {who};",
        f"GRANT SELECT, INSERT ON TABLE {quote(EVENT_TABLE)} TO {who};",
        f"REVOKE ALL ON TABLE {quote('django_migrations')} FROM {who};",
        f"GRANT SELECT ON TABLE {quote('django_migrations')} TO {who};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {who};",
    ]
