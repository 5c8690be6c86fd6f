"""The chain is keyed: someone who can edit the database but has no audit key cannot reseal a rewrite."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.audit.conftest import reseal_with_sha256, tampering
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import AuditEntry, audit_record, audit_record_many, audit_verify

pytestmark = pytest.mark.django_db


def record(user, n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=user, action=f"test.{i}", target=user, data={"i": i}) for i in range(n)]


def test_an_edited_event_resealed_with_sha256_fails_at_that_event(django_user_model):
    # given: five events, the third edited and it and all after it rehashed, head included, without the key
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 5)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[2].pk).update(data={"i": 99})
    reseal_with_sha256(from_id=events[2].pk)
    # when
    report = audit_verify_report()
    # then: every resealed event fails its HMAC; the links and the head look fine, as the attacker made them
    assert [(p.event_id, p.kind) for p in report.problems] == [(e.pk, "mac") for e in events[2:]]
    with pytest.raises(CommandError, match=f"event #{events[2].pk}"):
        call_command("audit", "verify")


def test_an_edited_event_resealed_with_another_key_fails(django_user_model, settings):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 3)
    settings.XINFANG_AUDIT_KEY = "a-key-the-attacker-guessed"
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk__gte=events[1].pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_hash=events[0].hash, last_event_id=events[0].pk, event_count=1)
    forged = record(user, 2)  # the real code, the wrong key
    settings.XINFANG_AUDIT_KEY = "test-audit-key-not-secret"
    assert [(p.event_id, p.kind) for p in audit_verify_report().problems] == [(e.pk, "mac") for e in forged]


def test_rewritten_events_relabelled_as_unkeyed_old_rows_are_refused(django_user_model):
    # given: the attacker marks the rewritten rows version 1, whose SHA-256 needs no key
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 4)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[2].pk).update(data={"i": 99})
    reseal_with_sha256(from_id=events[2].pk, fields={"version": AuditEvent.Version.LEGACY})
    # then: old unkeyed rows can only come before the first keyed one
    report = audit_verify_report()
    assert [(p.event_id, p.kind) for p in report.problems] == [(e.pk, "legacy_after_keyed") for e in events[2:]]


def test_new_events_are_keyed_and_the_head_counts_them(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 3)
    assert {e.version for e in AuditEvent.objects.all()} == {AuditEvent.Version.KEYED}
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.event_count) == (events[-1].pk, 3)


def test_bulk_appended_events_verify_as_the_same_keyed_chain(django_user_model):
    # given: one event, then a batch as the bulk import appends it, then one more
    user = django_user_model.objects.create_user(username="u")
    record(user, 1)
    with transaction.atomic():
        audit_record_many([AuditEntry(actor=user, action="test.bulk", target=user, data={"row": i})
                           for i in range(250)])
    record(user, 1)
    # then
    report = audit_verify_report()
    assert (report.checked, report.legacy, report.problems) == (252, 0, [])
    assert set(AuditEvent.objects.values_list("version", flat=True)) == {AuditEvent.Version.KEYED}
    assert AuditChainHead.objects.get().event_count == 252


def test_an_edited_bulk_event_resealed_with_sha256_fails(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    with transaction.atomic():
        audit_record_many([AuditEntry(actor=user, action="test.bulk", data={"row": i}) for i in range(20)])
    victim = AuditEvent.objects.order_by("id")[10]
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=victim.pk).update(action="test.innocent")
    reseal_with_sha256(from_id=victim.pk)
    _, broken = audit_verify()
    assert (broken.event_id, broken.kind) == (victim.pk, "mac")
