"""The worker verifies the audit chain on a schedule, records each outcome in the chain, and tells the 安全审计员
when it fails (issue 19)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.audit.conftest import tampering
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import VERIFY_ACTION, audit_record
from xinfang.notifications.models import Notification
from xinfang.operations.tasks import VERIFY_TASK_PATH, audit_verify_ensure, audit_verify_periodic
from xinfang.orgs.models import Role, User
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    retired = user_create(username="shenji2", password="pw-123456", org=None, roles=[Role.AUDITOR])
    User.objects.filter(pk=retired.pk).update(is_active=False)
    return {
        "auditor": user_create(username="shenji", password="pw-123456", org=None, roles=[Role.AUDITOR]),
        "admin": user_create(username="guanli", password="pw-123456", org=None, roles=[Role.ADMINISTRATOR]),
    }


def record(user, n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=user, action=f"test.{i}", target=user, data={"i": i}) for i in range(n)]


def verified() -> AuditEvent:
    return AuditEvent.objects.filter(action=VERIFY_ACTION).latest("id")


def test_a_good_chain_is_recorded_as_intact_and_nobody_is_told(people):
    # given
    record(people["admin"], 3)
    events = AuditEvent.objects.count()  # the users' creation included
    # when: the task as the worker runs it (the tests' backend runs it at once)
    result = audit_verify_periodic.enqueue()
    # then
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"intact": True, "checked": events, "problems": 0}
    data = verified().data
    assert (data["intact"], data["problem_count"], data["append_only"]) == (True, 0, True)
    assert Notification.objects.count() == 0


def test_a_tampered_chain_is_recorded_as_broken_and_each_active_auditor_is_told(people):
    # given: one event edited past the database's guard
    events = record(people["admin"], 3)
    with tampering():
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"i": 99})
    # when
    result = audit_verify_periodic.enqueue()
    # then
    assert result.return_value["intact"] is False
    data = verified().data
    assert (data["intact"], data["problem_count"], data["problems"]) == (
        False, 1, [{"event_id": events[1].pk, "kind": "mac"}])
    notices = list(Notification.objects.values_list("recipient__username", "title"))
    assert notices == [("shenji", "审计链定时验证失败")]
    assert f"首处在事件 #{events[1].pk}（mac）" in Notification.objects.get().body


def test_the_outcome_is_itself_in_the_chain(people):
    record(people["admin"], 1)
    audit_verify_periodic.enqueue()
    audit_verify_periodic.enqueue()
    # the second run verified the first run's event too
    assert verified().data["intact"] is True
    assert AuditEvent.objects.filter(action=VERIFY_ACTION).count() == 2


def test_the_worker_queues_one_verification_and_each_run_queues_the_next(settings):
    # given: the worker's backend, which can defer
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.XINFANG_AUDIT_VERIFY_HOURS = 24
    # when: two worker starts
    assert audit_verify_ensure() is True
    assert audit_verify_ensure() is False
    # then: one waits; running it queues the next a day later
    [waiting] = DBTaskResult.objects.filter(task_path=VERIFY_TASK_PATH, status=TaskResultStatus.READY)
    before = timezone.now()
    audit_verify_periodic.call()
    [first, following] = DBTaskResult.objects.filter(task_path=VERIFY_TASK_PATH).order_by("enqueued_at")
    assert first.pk == waiting.pk
    assert following.run_after >= before + timedelta(hours=24)
    assert following.run_after <= timezone.now() + timedelta(hours=24)
