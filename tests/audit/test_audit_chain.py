"""The audit log is chained; `xinfang audit verify` reports each broken link at its event."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.audit.conftest import tampering
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def record_three(user) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=user, action=f"test.{i}", target=user, data={"i": i}) for i in range(3)]


def test_an_untouched_chain_verifies(django_user_model, capsys):
    user = django_user_model.objects.create_user(username="u")
    record_three(user)
    checked, broken = audit_verify()
    assert (checked, broken) == (3, None)
    call_command("audit", "verify")
    assert "审计链完好：3 条事件" in capsys.readouterr().out


def test_editing_an_event_is_detected_at_that_event(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record_three(user)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"i": 99})
    checked, broken = audit_verify()
    assert (checked, broken.event_id, broken.kind) == (3, events[1].pk, "mac")
    with pytest.raises(CommandError, match=f"event #{events[1].pk}"):
        call_command("audit", "verify")


def test_deleting_an_event_in_the_middle_is_detected(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record_three(user)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    _, broken = audit_verify()
    assert (broken.event_id, broken.kind) == (events[2].pk, "link")


def test_deleting_the_newest_event_is_detected(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record_three(user)
    with tampering():  # as the attacker, past the database's append-only guard
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    _, broken = audit_verify()
    assert broken is not None and broken.event_id == events[2].pk


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(django_user_model):
    # An event must commit or roll back with the write it records.
    user = django_user_model.objects.create_user(username="u")
    with pytest.raises(RuntimeError):
        audit_record(actor=user, action="test.outside")
