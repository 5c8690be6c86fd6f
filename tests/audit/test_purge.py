"""`xinfang audit purge`: the oldest events past retention go, nothing younger, and the chain left verifies from the
purge's boundary on (issue 19: retention of at least 6 months)."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from tests.audit.conftest import tampering
from xinfang.audit import services
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.audit.selectors import PURGE_ACTION, audit_verify_report
from xinfang.audit.services import PurgeRefused, audit_checkpoint, audit_purge, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def retention(settings):
    settings.XINFANG_AUDIT_RETENTION_DAYS = 183
    return settings


def record_at(monkeypatch, user, *moments) -> list[AuditEvent]:
    """Events written at the given instants, as the code of that time would have written them (same HMAC)."""
    events = []
    for moment in moments:
        with monkeypatch.context() as patch:
            patch.setattr(services.timezone, "now", lambda moment=moment: moment)
            with transaction.atomic():
                events.append(audit_record(actor=user, action="test.old", target=user, data={"at": str(moment)}))
    return events


def ids() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def kinds(report) -> list[tuple[int, str]]:
    return [(p.event_id, p.kind) for p in report.problems]


def test_events_past_retention_go_and_those_of_183_days_or_less_stay(django_user_model, monkeypatch):
    # given: events 400, 184 and 183 days + 1 hour old (past a 183-day retention), then 183 days − 1 hour,
    # 182 days and one hour old (inside it)
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, *[now - timedelta(days=d) for d in (400, 184, 183 + 1 / 24, 183 - 1 / 24,
                                                                               182, 1 / 24)])
    # when
    result = audit_purge()
    # then
    assert (result.deleted, result.through_id) == (3, events[2].pk)
    assert ids() == [e.pk for e in events[3:]] + [result.event.pk]
    assert result.event.action == PURGE_ACTION
    assert (result.event.data["through_id"], result.event.data["through_hash"], result.event.data["through_count"],
            result.event.data["deleted"], result.event.data["retention_days"]) == (
        events[2].pk, events[2].hash, 3, 3, 183)
    report = audit_verify_report()
    assert (report.checked, report.purged, report.purged_through_id, report.problems) == (4, 3, events[2].pk, [])
    assert AuditChainHead.objects.get().event_count == 7  # places in the chain, the purged ones included


def test_the_cutoff_itself_is_kept(django_user_model, monkeypatch, settings):
    # given: retention 200 days; one event a microsecond before the cutoff, one exactly at it
    settings.XINFANG_AUDIT_RETENTION_DAYS = 200
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    cutoff = now - timedelta(days=200)
    events = record_at(monkeypatch, user, cutoff - timedelta(microseconds=1), cutoff)
    # when
    result = audit_purge(now=now)
    # then
    assert (result.cutoff, result.deleted) == (cutoff, 1)
    assert ids() == [events[1].pk, result.event.pk]


def test_an_old_event_after_a_young_one_is_kept_so_the_chain_stays_one_piece(django_user_model, monkeypatch):
    # given: old, young, old (a clock set back): only the run before the first young event may go
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now - timedelta(days=10),
                       now - timedelta(days=300))
    # when
    result = audit_purge()
    # then
    assert ids() == [events[1].pk, events[2].pk, result.event.pk]
    assert audit_verify_report().intact


def test_nothing_past_retention_deletes_nothing_and_records_nothing(django_user_model, monkeypatch):
    user = django_user_model.objects.create_user(username="u")
    events = record_at(monkeypatch, user, timezone.now() - timedelta(days=182))
    result = audit_purge()
    assert (result.deleted, result.event) == (0, None)
    assert ids() == [events[0].pk]


def test_a_dry_run_says_what_would_go_and_changes_nothing(django_user_model, monkeypatch, capsys):
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now - timedelta(days=250), now)
    head = AuditChainHead.objects.values().get()
    # when
    call_command("audit", "purge", "--dry-run")
    # then
    assert "试运行：将删除 2 条" in capsys.readouterr().out
    assert ids() == [e.pk for e in events]
    assert AuditChainHead.objects.values().get() == head


def test_the_command_purges_and_verify_reports_the_boundary(django_user_model, monkeypatch, capsys):
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now)
    call_command("audit", "purge")
    assert "已删除 1 条审计事件" in capsys.readouterr().out
    call_command("audit", "verify")
    assert f"此前 1 条已按保存期清理，至 #{events[0].pk}" in capsys.readouterr().out


def test_a_chain_that_does_not_verify_is_not_purged(django_user_model, monkeypatch):
    # given: an old event edited: purging it would destroy the evidence
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now)
    with tampering():
        AuditEvent.objects.filter(pk=events[0].pk).update(data={"at": "forged"})
    # when / then
    with pytest.raises(PurgeRefused, match="审计链验证未通过"):
        audit_purge()
    assert ids() == [e.pk for e in events]
    with pytest.raises(CommandError, match="未清理"):
        call_command("audit", "purge")


def test_a_retention_under_six_months_is_refused(settings, django_user_model, monkeypatch):
    settings.XINFANG_AUDIT_RETENTION_DAYS = 182
    user = django_user_model.objects.create_user(username="u")
    events = record_at(monkeypatch, user, timezone.now() - timedelta(days=300))
    with pytest.raises(ImproperlyConfigured, match="至少保存 183 天"):
        audit_purge()
    with pytest.raises(CommandError, match="至少保存 183 天"):
        call_command("audit", "purge")
    assert ids() == [events[0].pk]


def test_a_second_purge_goes_on_from_the_first_and_checkpoints_keep_verifying(django_user_model, monkeypatch):
    # given: events 700, 600 and 200 days old and a checkpoint; a purge run 300 days ago (its cutoff 483 days
    # ago: the two oldest go) and a checkpoint of its event; an event 10 days old and a checkpoint
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    a, b, c = record_at(monkeypatch, user, *[now - timedelta(days=d) for d in (700, 600, 200)])
    audit_checkpoint()  # at c, place 3: c will be purged
    with monkeypatch.context() as patch:
        patch.setattr(services.timezone, "now", lambda: now - timedelta(days=300))
        first = audit_purge()
    audit_checkpoint()  # at the first purge's event, place 4: the second purge's boundary
    [d] = record_at(monkeypatch, user, now - timedelta(days=10))
    audit_checkpoint()  # at d, place 5
    assert (first.deleted, first.through_id) == (2, b.pk)
    # when: today c and the first purge's event are past retention too
    second = audit_purge()
    # then
    assert (second.deleted, second.through_id, second.event.data["through_count"]) == (2, first.event.pk, 4)
    assert ids() == [d.pk, second.event.pk]
    report = audit_verify_report()
    assert (report.checked, report.purged, report.checkpoints, report.problems) == (2, 4, 3, [])
    assert AuditChainHead.objects.get().event_count == 6


def test_deleting_the_first_event_left_after_a_purge_is_detected(django_user_model, monkeypatch):
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now - timedelta(days=1), now)
    result = audit_purge()
    with tampering():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert kinds(audit_verify_report()) == [(events[2].pk, "link"), (result.event.pk, "head_mismatch")]


def test_deleting_the_purge_event_is_detected(django_user_model, monkeypatch):
    # Without it the chain would seem to start from nothing; its successor's link names it.
    user = django_user_model.objects.create_user(username="u")
    now = timezone.now()
    events = record_at(monkeypatch, user, now - timedelta(days=300), now)
    result = audit_purge()
    later = record_at(monkeypatch, user, now)
    with tampering():
        AuditEvent.objects.filter(pk=result.event.pk).delete()
    assert kinds(audit_verify_report()) == [
        (events[1].pk, "link"), (later[0].pk, "link"), (later[0].pk, "head_mismatch")]


def test_a_retention_under_six_months_stops_the_site_from_starting(tmp_path):
    # given: the setting as an operator would get it wrong
    env = {**os.environ, "XINFANG_AUDIT_RETENTION_DAYS": "100", "XINFANG_ENV_FILE": "",
           "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.test"}
    # when
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    # then
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "至少保存 183 天" in run.stderr
