"""Reads of the procedure: petitions by deadline level, the nearest deadline of each listed petition."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from xinfang.petitions.models import Petition
from xinfang.workflow.clocks import OPTIONAL_WINDOWS, Level
from xinfang.workflow.models import Clock
from xinfang.workflow.policy import current_policy

DEADLINE_FILTERS = {
    Level.APPROACHING: "临期",
    Level.OVERDUE: "超期（含严重超期）",
    Level.SERIOUSLY_OVERDUE: "严重超期",
}


def petitions_by_deadline(*, queryset: QuerySet[Petition], level: str, today: date) -> QuerySet[Petition]:
    """Petitions with a running statutory deadline at this warning level (thresholds from the policy)."""
    policy = current_policy()
    # A clock paused for a hearing (Art 31) is at no warning level: its due date moves when it resumes.
    running = Clock.objects.filter(
        petition=OuterRef("pk"), stopped_on__isnull=True, paused_since__isnull=True, voided=False
    ).exclude(kind__in=OPTIONAL_WINDOWS)
    if level == Level.APPROACHING:
        running = running.filter(statutory_due__gte=today,
                                 statutory_due__lte=today + timedelta(days=policy.approaching_days))
    elif level == Level.OVERDUE:
        running = running.filter(statutory_due__lt=today)
    elif level == Level.SERIOUSLY_OVERDUE:
        running = running.filter(statutory_due__lt=today - timedelta(days=policy.seriously_overdue_days))
    else:
        raise ValueError(f"unknown deadline level {level!r}")
    return queryset.filter(Exists(running))


def with_running_clocks(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    """Prefetch each petition's running clocks (one query per page), nearest due first."""
    clocks = (Clock.objects.filter(stopped_on__isnull=True, voided=False).exclude(kind__in=OPTIONAL_WINDOWS)
              .order_by("statutory_due"))
    return queryset.prefetch_related(Prefetch("clocks", queryset=clocks, to_attr="running_clocks"))
