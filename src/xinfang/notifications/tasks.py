"""Tasks run by the worker (`xinfang worker`, django-tasks-db): the deadline scan, once or every N minutes; the
SMS of a notice to its consenting petitioners."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

SCAN_TASK_PATH = "xinfang.notifications.tasks.deadlines_scan_periodic"


@task()
def deadlines_scan_once(pause: float = 0.0) -> dict:
    from xinfang.notifications.services import deadlines_scan

    return deadlines_scan(pause=pause).as_dict()


@task()
def deadlines_scan_periodic() -> dict:
    """Scan, then enqueue the next scan XINFANG_WARNING_SCAN_MINUTES from now (on a backend that can defer;
    the immediate backend of the tests runs it once)."""
    from xinfang.notifications.services import deadlines_scan

    from django.db import connection

    # On SQLite one writer at a time: a short pause after each warning lets the site (and the demo's
    # background seeding) take the write lock between them instead of starving behind the scan.
    result = deadlines_scan(pause=0.05 if connection.vendor == "sqlite" else 0.0).as_dict()
    from xinfang.notifications.petitioner_sms import petitioner_messages_send

    # Petitioner SMS whose own task was lost (the process died between the action's commit and the enqueue).
    result["petitioner_sms"] = petitioner_messages_send(stale_only=True)
    from xinfang.api.services_webhooks import deliveries_due, delivery_send

    # Webhook deliveries whose retry time came on a backend that cannot defer, or whose task was lost.
    result["webhooks"] = sum(1 for delivery_id in deliveries_due() if delivery_send(delivery_id=delivery_id))
    if deadlines_scan_periodic.get_backend().supports_defer:
        minutes = getattr(settings, "XINFANG_WARNING_SCAN_MINUTES", 15)
        deadlines_scan_periodic.using(run_after=timezone.now() + timedelta(minutes=minutes)).enqueue()
    return result


@task()
def petitioner_sms_send(notice_id: int) -> dict:
    """Send the queued SMS of one notice (enqueued when its action commits)."""
    from xinfang.notifications.petitioner_sms import petitioner_messages_send

    return petitioner_messages_send(notice_id=notice_id)


def periodic_ensure(task, task_path: str) -> bool:
    """Enqueue a self-rescheduling periodic task unless one is already waiting, or running since less than an
    hour (the worker calls this when it starts, so restarts do not multiply it; a run left RUNNING by a killed
    worker is not waited for). True if one was enqueued."""
    backend = task.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from django.db.models import Q

    waiting = DBTaskResult.objects.filter(task_path=task_path, backend_name=backend.alias).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - timedelta(hours=1)))
    if waiting.exists():
        return False
    task.enqueue()
    return True


def periodic_scan_ensure() -> bool:
    """The periodic deadline scan, enqueued once (periodic_ensure)."""
    return periodic_ensure(deadlines_scan_periodic, SCAN_TASK_PATH)
