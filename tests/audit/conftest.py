"""Each audit test gets its own anchor folder: checkpoints outlive a test's database, so they must not be shared.

`tampering()` lifts the database's append-only triggers for a test that plays an attacker who can (the tables'
owner on PostgreSQL, anyone with the file on SQLite); they are back when it ends, and verification then reports
only what the tampering did.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from xinfang.audit.models import AuditChainHead, AuditEvent


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    settings.XINFANG_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.XINFANG_AUDIT_CHECKPOINT_EVERY = 0
    return settings.XINFANG_AUDIT_ANCHOR_DIR


@contextmanager
def tampering() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE is refused while the table has deferred checks pending (the actor's foreign key, from
            # this test's inserts): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            try:
                yield
            finally:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        # SQLite cannot disable a trigger: drop them and recreate them from their own stored SQL.
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)


def plain_sha256(*, prev_hash: str, event: AuditEvent) -> str:
    """The unkeyed digest the chain used before it was keyed: what an attacker without the key can compute."""
    payload = {
        "prev": prev_hash, "at": event.occurred_at.isoformat(timespec="microseconds"), "actor": event.actor_id,
        "actor_label": event.actor_label, "action": event.action, "target_type": event.target_type,
        "target_id": event.target_id, "ip": event.ip_address, "data": event.data,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reseal_with_sha256(*, from_id: int, fields: dict | None = None) -> None:
    """Rewrite the chain from event `from_id` on as a database-only attacker would: edit, rehash, reset the head."""
    with tampering():
        _reseal(from_id=from_id, fields=fields)


def _reseal(*, from_id: int, fields: dict | None) -> None:
    before = AuditEvent.objects.filter(id__lt=from_id).order_by("-id").first()
    prev_hash = before.hash if before else "0" * 64
    for event in AuditEvent.objects.filter(id__gte=from_id).order_by("id"):
        for name, value in (fields or {}).items():
            setattr(event, name, value)
        event.prev_hash = prev_hash
        event.hash = plain_sha256(prev_hash=prev_hash, event=event)
        event.save()
        prev_hash = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev_hash)
