"""Tasks run by the worker (`xinfang worker`): the statistics rollup takes in the periods that have closed."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

ADVANCE_TASK_PATH = "xinfang.stats.tasks.rollup_advance_periodic"


@task()
def rollup_advance_periodic() -> dict:
    """Store the months, quarters and years that closed since the last run (stats.rollup.advance), then enqueue
    the next run in an hour (on a backend that can defer). Until it runs, a period just closed is read live."""
    from xinfang.stats import rollup

    try:
        periods = rollup.advance()
    finally:
        if rollup_advance_periodic.get_backend().supports_defer:
            rollup_advance_periodic.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return {"periods": periods}


def rollup_advance_ensure() -> bool:
    """The hourly advance, enqueued once when the worker starts (notifications.tasks.periodic_ensure)."""
    from xinfang.notifications.tasks import periodic_ensure

    return periodic_ensure(rollup_advance_periodic, ADVANCE_TASK_PATH)
