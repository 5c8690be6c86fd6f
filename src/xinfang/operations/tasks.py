"""Operations tasks run by the worker (`xinfang worker`): the scheduled verification of the audit chain."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

VERIFY_TASK_PATH = "xinfang.operations.tasks.audit_verify_periodic"


@task()
def audit_verify_periodic() -> dict:
    """Verify the audit chain (recorded as an `audit.verified` event; the 安全审计员 notified of a failure), then
    enqueue the next run XINFANG_AUDIT_VERIFY_HOURS from now (on a backend that can defer)."""
    from xinfang.audit.services import audit_verify_scheduled

    try:
        report = audit_verify_scheduled()
    finally:
        # Even when the verification itself crashed: the schedule must not end with one bad run.
        if audit_verify_periodic.get_backend().supports_defer:
            hours = max(1, int(getattr(settings, "XINFANG_AUDIT_VERIFY_HOURS", 24)))  # 0 would loop without pause
            audit_verify_periodic.using(run_after=timezone.now() + timedelta(hours=hours)).enqueue()
    return {"intact": report.intact, "checked": report.checked, "problems": len(report.problems)}


def audit_verify_ensure() -> bool:
    """The periodic verification, enqueued once when the worker starts (notifications.tasks.periodic_ensure)."""
    from xinfang.notifications.tasks import periodic_ensure

    return periodic_ensure(audit_verify_periodic, VERIFY_TASK_PATH)
