"""Statistics read from a PostgreSQL streaming replica when one is configured (docs/SCALING.md).

With the setting DATABASES["replica"] (env XINFANG_REPLICA_URL), code running inside `reading_replica()` — the
statistics pages and their drill-downs — reads from the replica; everything else, and every write, uses
"default" (the primary). Without the alias the router answers nothing and Django behaves as before.

Reads inside a transaction on the primary stay on the primary: a read that a write depends on (the audit chain's
head, a check before a change) must see the primary's latest state, never a replica seconds behind it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_replica: ContextVar[bool] = ContextVar("xinfang_reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads in this block go to the replica (if configured and no transaction is open on the primary)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_reads(view: Callable) -> Callable:
    """A view whose queries read the replica. The user (session, roles) is loaded from the primary first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - evaluates the lazy user now, on the primary
        with reading_replica():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """db_for_read: "replica" inside `reading_replica()`; writes and migrations: only "default"."""

    def db_for_read(self, model, **hints):
        if (_reading_replica.get() and replica_configured()
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return REPLICA
        if hints.get("instance") is not None and hints["instance"]._state.db == REPLICA:
            # An object read from the replica, followed outside the block (a related object): the primary.
            return DEFAULT_DB_ALIAS
        return None

    def db_for_write(self, model, **hints):
        # Explicit: Django would otherwise save an object where it was read from, i.e. on the read-only replica.
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica replays the primary's WAL: its schema comes from there.
        return False if db == REPLICA else None
