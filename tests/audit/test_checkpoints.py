"""Signed checkpoints outside the database catch a cut tail, a rewrite past them, and forgeries of themselves."""

import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.audit.conftest import reseal_with_sha256, tampering
from xinfang.audit import anchors
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import AuditEntry, audit_checkpoint, audit_record, audit_record_many

pytestmark = pytest.mark.django_db


def record(user, n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=user, action=f"test.{i}", target=user, data={"i": i}) for i in range(n)]


def kinds(report) -> list[tuple[int, str]]:
    return [(p.event_id, p.kind) for p in report.problems]


def lines(anchor_dir) -> list[dict]:
    return [json.loads(line) for line in (anchor_dir / anchors.FILE_NAME).read_text().splitlines()]


def test_the_command_writes_a_signed_checkpoint_of_the_head_and_an_intact_chain_passes(
        django_user_model, anchor_dir, capsys):
    # given
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 3)
    # when
    call_command("audit", "checkpoint")
    record(user, 2)
    call_command("audit", "checkpoint")
    # then: two lines, each naming the head of its time, and verify checks both
    assert [(line["event_id"], line["hash"], line["count"]) for line in lines(anchor_dir)][0] == (
        events[-1].pk, events[-1].hash, 3)
    assert lines(anchor_dir)[1]["count"] == 5
    call_command("audit", "verify")
    assert "5 条事件，2 个有效检查点" in capsys.readouterr().out


def test_a_cut_tail_with_the_head_reset_fails_by_the_checkpoint(django_user_model):
    # given: a checkpoint at the fifth event, then the last two events deleted and the head set back,
    # so the chain by itself is consistent
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 5)
    audit_checkpoint()
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk__gte=events[3].pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_hash=events[2].hash, last_event_id=events[2].pk, event_count=3)
    # when
    report = audit_verify_report()
    # then
    assert kinds(report) == [(events[4].pk, "checkpoint_missing"), (events[4].pk, "head_behind_checkpoint")]
    with pytest.raises(CommandError, match=f"event #{events[4].pk}"):
        call_command("audit", "verify")


def test_a_whole_chain_resealed_as_old_unkeyed_rows_fails_by_the_checkpoint(django_user_model):
    # given: every event rewritten as a version-1 row (SHA-256, no key), so no keyed row precedes them
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 4)
    audit_checkpoint()
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"i": 99})
    reseal_with_sha256(from_id=events[0].pk, fields={"version": AuditEvent.Version.LEGACY})
    # then: the chain alone would pass as old rows; the checkpoint remembers the real hash of the head
    assert kinds(audit_verify_report()) == [(events[3].pk, "checkpoint_mismatch")]


def test_an_event_removed_before_a_checkpoint_is_reported_at_the_checkpointed_event(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 4)
    audit_checkpoint()
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert kinds(audit_verify_report()) == [
        (events[2].pk, "link"), (events[3].pk, "checkpoint_mismatch"), (events[3].pk, "head_mismatch")]


def test_a_forged_checkpoint_fails_its_signature(django_user_model, anchor_dir):
    # given: a real checkpoint, and a line claiming a longer chain, its signature copied from the real one
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 2)
    audit_checkpoint()
    forged = {**lines(anchor_dir)[0], "event_id": events[-1].pk + 5, "count": 7}
    with (anchor_dir / anchors.FILE_NAME).open("a") as f:
        f.write(json.dumps(forged) + "\n")
    # then
    report = audit_verify_report()
    assert (report.checkpoints, kinds(report)) == (1, [(events[-1].pk + 5, "checkpoint_signature")])
    with pytest.raises(CommandError, match=f"event #{events[-1].pk + 5}"):
        call_command("audit", "verify")


def test_a_checkpoint_signed_with_another_key_fails(django_user_model, settings):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 2)
    settings.XINFANG_AUDIT_KEY = "not-the-audit-key"
    anchors.checkpoint_append(anchors.Checkpoint(event_id=events[-1].pk, hash=events[-1].hash, count=2,
                                                 at="2026-01-01T00:00:00+00:00"))
    settings.XINFANG_AUDIT_KEY = "test-audit-key-not-secret"
    assert kinds(audit_verify_report()) == [(events[-1].pk, "checkpoint_signature")]


def test_an_unreadable_checkpoint_line_is_reported(django_user_model, anchor_dir):
    user = django_user_model.objects.create_user(username="u")
    record(user, 1)
    audit_checkpoint()
    with (anchor_dir / anchors.FILE_NAME).open("a") as f:
        f.write('{"v": 1, "event_id": 3, "ha')  # a torn write
    assert kinds(audit_verify_report()) == [(0, "checkpoint_unreadable")]


def test_a_checkpoint_is_written_after_the_commit_that_passes_every_nth_event(
        django_user_model, settings, anchor_dir, django_capture_on_commit_callbacks):
    # given
    settings.XINFANG_AUDIT_CHECKPOINT_EVERY = 10
    user = django_user_model.objects.create_user(username="u")
    # when: 9 events (none due), then a bulk batch of 25 crossing 10, 20 and 30 (one checkpoint, after commit)
    with django_capture_on_commit_callbacks(execute=True):
        record(user, 9)
    assert not (anchor_dir / anchors.FILE_NAME).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            audit_record_many([AuditEntry(actor=user, action="test.bulk", data={"row": i}) for i in range(25)])
            assert not (anchor_dir / anchors.FILE_NAME).exists()
    # then
    assert len(callbacks) == 1
    head = AuditChainHead.objects.get()
    assert [(line["event_id"], line["count"]) for line in lines(anchor_dir)] == [(head.last_event_id, 34)]
    assert audit_verify_report().intact


def test_a_transaction_passing_many_multiples_writes_one_checkpoint_after_it(
        django_user_model, settings, anchor_dir, django_capture_on_commit_callbacks):
    # given: an all-or-nothing import appends many batches in one transaction
    settings.XINFANG_AUDIT_CHECKPOINT_EVERY = 10
    user = django_user_model.objects.create_user(username="u")
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for _batch in range(4):
                audit_record_many([AuditEntry(actor=user, action="test.bulk", data={"row": i}) for i in range(15)])
    # then
    assert len(callbacks) == 1
    assert [line["count"] for line in lines(anchor_dir)] == [60]


def test_a_checkpoint_that_cannot_be_written_keeps_the_record_and_logs_an_error(
        django_user_model, settings, tmp_path, caplog, django_capture_on_commit_callbacks):
    # given: the anchor folder is a file, so nothing can be written there
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.XINFANG_AUDIT_ANCHOR_DIR = blocker
    settings.XINFANG_AUDIT_CHECKPOINT_EVERY = 1
    user = django_user_model.objects.create_user(username="u")
    # when
    with caplog.at_level(logging.ERROR, logger="xinfang.audit.services"):
        with django_capture_on_commit_callbacks(execute=True):
            [event] = record(user, 1)
    # then
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert "audit checkpoint could not be written" in caplog.text
    with pytest.raises(CommandError, match="检查点无法写入"):
        call_command("audit", "checkpoint")


def test_a_head_that_does_not_match_its_event_is_not_checkpointed(django_user_model, anchor_dir):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 2)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"i": 99})
    reseal_with_sha256(from_id=events[1].pk)
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("audit", "checkpoint")
    assert not (anchor_dir / anchors.FILE_NAME).exists()
