"""The database refuses to change or delete an audit event, whoever asks; PostgreSQL's application role has no
UPDATE or DELETE on the table at all (issue 19)."""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from tests.audit.conftest import tampering
from xinfang.audit import services
from xinfang.audit.appendonly import append_only_installed, grants_sql, purge_permitted
from xinfang.audit.models import AuditEvent
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import audit_record

pytestmark = pytest.mark.django_db
# Made by scripts/test.sh for the PostgreSQL run: NOLOGIN, granted to the test's own role so it can SET ROLE.
APP_ROLE = os.environ.get("XINFANG_TEST_APP_ROLE", "xinfang_app")


def record(user, n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=user, action=f"test.{i}", target=user, data={"i": i}) for i in range(n)]


def stored(events: list[AuditEvent]) -> list[tuple]:
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id")
                .values_list("id", "action", "data", "hash"))


def refused(statement) -> None:
    # Its own savepoint: on PostgreSQL a failed statement would otherwise spoil the rest of the test's transaction.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        statement()


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_guard_is_in_place_after_all_migrations():
    # A later migration that rebuilds the event table on SQLite would drop the triggers with the old table.
    assert append_only_installed() is True


def test_an_event_cannot_be_changed_through_the_orm_or_raw_sql(django_user_model):
    # given
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 2)
    before = stored(events)
    victim = AuditEvent.objects.get(pk=events[0].pk)
    victim.data = {"i": 99}
    # when / then
    refused(victim.save)
    refused(lambda: AuditEvent.objects.filter(pk=events[0].pk).update(action="test.innocent"))
    refused(lambda: raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 7}', events[1].pk]))
    assert stored(events) == before
    assert audit_verify_report().intact


def test_an_event_cannot_be_deleted_through_the_orm_or_raw_sql(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 3)
    before = stored(events)
    refused(AuditEvent.objects.get(pk=events[2].pk).delete)
    refused(lambda: AuditEvent.objects.all().delete())
    refused(lambda: raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk]))
    assert stored(events) == before


def test_the_purge_flag_does_not_let_a_young_event_go(django_user_model):
    # The 183-day floor is the trigger's own: a purge with a wrong retention still cannot cut recent events.
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 1)
    before = stored(events)
    with transaction.atomic(), purge_permitted():
        refused(lambda: AuditEvent.objects.filter(pk=events[0].pk).delete())
    assert stored(events) == before


def test_the_purge_flag_ends_with_its_block(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    events = record(user, 1)
    with transaction.atomic():
        with purge_permitted():
            pass
        refused(lambda: AuditEvent.objects.filter(pk=events[0].pk).update(action="x"))


def test_a_disabled_guard_is_reported_by_verification(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    record(user, 1)
    with tampering():
        report = audit_verify_report()
    assert [(p.event_id, p.kind) for p in report.problems] == [(0, "append_only_missing")]


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_the_guard_stays(django_user_model):
    # given: the test runner flushes after each transactional test; on SQLite that is a DELETE per table
    user = django_user_model.objects.create_user(username="u")
    record(user, 2)
    # when
    call_command("flush", interactive=False, verbosity=0)
    # then
    assert AuditEvent.objects.count() == 0
    assert append_only_installed() is True
    user = django_user_model.objects.create_user(username="u")
    [event] = record(user, 1)
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())


def test_the_grants_give_the_audit_table_select_and_insert_only(capsys):
    statements = grants_sql(role="xinfang_app")
    assert 'GRANT SELECT, INSERT ON TABLE "audit_auditevent" TO "xinfang_app";' in statements
    assert 'REVOKE ALL ON TABLE "audit_auditevent" FROM "xinfang_app";' in statements
    everything = next(s for s in statements if s.startswith("GRANT SELECT, INSERT, UPDATE, DELETE"))
    assert '"audit_auditchainhead"' in everything and '"audit_auditevent"' not in everything
    call_command("audit", "grants", "--role", "xinfang_app")
    assert statements[-1] in capsys.readouterr().out


def test_the_grants_refuse_a_role_name_that_is_not_an_identifier():
    with pytest.raises(ValueError, match="名称"):
        grants_sql(role='app"; DROP TABLE audit_auditevent; --')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles and GRANTs are PostgreSQL's")
def test_the_application_role_can_read_and_append_but_not_change_or_delete(django_user_model, monkeypatch,
                                                                          settings):
    # given: the role scripts/test.sh makes, with exactly the printed grants
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        row = cursor.fetchone()
    if not row or not row[0]:
        pytest.skip(f"no role {APP_ROLE} this test's role may SET ROLE to (scripts/test.sh makes it)")
    user = django_user_model.objects.create_user(username="u")
    long_ago = timezone.now() - timedelta(days=400)
    with monkeypatch.context() as patch:
        patch.setattr(services.timezone, "now", lambda: long_ago)
        events = record(user, 1)  # past retention: only the owner's purge may delete it
    events += record(user, 2)
    before = stored(events)
    with connection.cursor() as cursor:
        for statement in grants_sql(role=APP_ROLE):
            cursor.execute(statement)
        cursor.execute(f'SET LOCAL ROLE "{APP_ROLE}"')  # until the test's transaction ends
    # when / then: it appends (the head row is locked and updated) and reads
    [appended] = record(user, 1)
    assert AuditEvent.objects.filter(pk=appended.pk).exists()
    # and is refused by the privileges themselves, before any trigger
    for sql, params in [("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", events[0].pk]),
                        ("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk]),
                        ("TRUNCATE audit_auditevent", [])]:
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            raw(sql, params)
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(action="x")
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), purge_permitted():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    settings.XINFANG_AUDIT_RETENTION_DAYS = 183
    with pytest.raises(CommandError, match="数据库拒绝删除"):  # the purge is the owner's
        call_command("audit", "purge")
    assert stored(events) == before
