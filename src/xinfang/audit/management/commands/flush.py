"""Django's `flush`, able to empty the append-only audit table on SQLite.

PostgreSQL's flush is a TRUNCATE, which row triggers do not see (and the application role may not run). SQLite's
is `DELETE FROM` each table, which the audit trigger refuses; here the control row's flush flag is raised and
lowered around those statements, inside the one transaction Django runs them in. The test runner flushes the
database after every transactional test, so without this they could not write audit events.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

RAISE = "UPDATE audit_appendonly_control SET flush = 1 WHERE id = 1;"
LOWER = "UPDATE audit_appendonly_control SET flush = 0 WHERE id = 1;"


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or "audit_appendonly_control" not in connection.introspection.table_names():
            return super().handle(**options)
        ops = connection.ops
        execute_sql_flush = ops.execute_sql_flush
        # On this command's connection, for this call only: the flag is set and cleared in the flush's transaction.
        ops.execute_sql_flush = lambda sql_list: execute_sql_flush([RAISE, *sql_list, LOWER])
        try:
            return super().handle(**options)
        finally:
            del ops.execute_sql_flush
