"""Events written before the chain was keyed keep verifying, as what they are, and the keyed chain anchors them."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.audit.conftest import plain_sha256, reseal_with_sha256, tampering
from xinfang.audit.models import AuditEvent
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import audit_record

BEFORE = [("audit", "0002_initial")]
AFTER = [("audit", "0004_head_event_count")]


def leaf() -> list[tuple[str, str]]:
    """The audit app's newest migration: what the rest of the suite runs on (its triggers included)."""
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "audit"]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_database_of_unkeyed_events_migrates_verifies_and_goes_on_keyed(django_user_model, capsys):
    # given: an audit log as the unkeyed code wrote it (schema before 0003, plain SHA-256 chain)
    migrate(BEFORE)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        OldHead = old_apps.get_model("audit", "AuditChainHead")
        prev_hash = "0" * 64
        for i in range(3):
            event = OldEvent(occurred_at=timezone.now(), actor_id=None, actor_label="", action=f"old.{i}",
                             target_type="", target_id="", ip_address=None, data={"i": i}, prev_hash=prev_hash)
            event.hash = plain_sha256(prev_hash=prev_hash, event=event)
            event.save()
            prev_hash = event.hash
        OldHead.objects.create(pk=1, last_hash=prev_hash, last_event_id=event.pk)
        # when
        migrate(AFTER)
    finally:
        migrate(leaf())  # leave the schema as the other tests expect it, whatever happened
    user = django_user_model.objects.create_user(username="u")
    with transaction.atomic():
        new = audit_record(actor=user, action="new.0", target=user)
    # then: the old rows are version 1 and verify as such, the new one is keyed and follows them
    assert list(AuditEvent.objects.order_by("id").values_list("version", flat=True)) == [1, 1, 1, 2]
    assert new.prev_hash == prev_hash
    report = audit_verify_report()
    assert (report.checked, report.legacy, report.last_legacy_id, report.problems) == (4, 3, event.pk, [])
    call_command("audit", "verify")
    assert "其中 3 条为加密钥前的旧记录" in capsys.readouterr().out


@pytest.mark.django_db
def test_rewriting_an_old_unkeyed_event_is_caught_by_the_first_keyed_event_after_it(django_user_model):
    # given: two old unkeyed rows (as the migration leaves them), then a keyed event sealing the last one's hash
    user = django_user_model.objects.create_user(username="u")
    with transaction.atomic():
        old = [audit_record(actor=user, action=f"old.{i}", target=user) for i in range(2)]
    reseal_with_sha256(from_id=old[0].pk, fields={"version": AuditEvent.Version.LEGACY})
    with transaction.atomic():
        keyed = audit_record(actor=user, action="new", target=user)
    assert audit_verify_report().intact
    # when: the old rows are rewritten and rehashed (no key needed), and the keyed row relinked to them
    prev_hash = "0" * 64
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=old[0].pk).update(data={"forged": True})
        for event in AuditEvent.objects.filter(pk__in=[e.pk for e in old]).order_by("id"):
            event.prev_hash, event.hash = prev_hash, plain_sha256(prev_hash=prev_hash, event=event)
            event.save()
            prev_hash = event.hash
        AuditEvent.objects.filter(pk=keyed.pk).update(prev_hash=prev_hash)
    # then: the keyed event's HMAC covers the old hash it followed
    assert [(p.event_id, p.kind) for p in audit_verify_report().problems] == [(keyed.pk, "mac")]
