"""Reads of the procedure: petitions by deadline level, the nearest deadline of each listed petition, review organs."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from xinfang.orgs.models import Org
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


# The people's governments of the tree: a township (乡镇人民政府、街道) is one for the villages below it.
GOVERNMENT_KINDS = (Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP)


def review_organs(*, decided_by: Org) -> list[Org]:
    """The organs one level above `decided_by` (上一级机关), which may review its decision (Arts 35, 36).

    Two kinds, as the Regulation has them: the people's government at the next level up — the nearest
    government above the organ (a township's or a county department's: the county government; the county
    government's: the city's) — and, for a department, the competent department one level up, which only the
    org tree can name (Org.superior_department). Nothing else: not the organ itself, not one below it, not a
    government two levels up, not a petition office.
    """
    ancestors = {org.pk: org for org in Org.objects.filter(pk__in=decided_by.ancestor_ids, is_active=True)}
    organs = []
    for pk in reversed(decided_by.ancestor_ids[:-1]):
        if pk in ancestors and ancestors[pk].kind in GOVERNMENT_KINDS:
            organs.append(ancestors[pk])
            break
    if decided_by.superior_department_id:
        superior = Org.objects.filter(pk=decided_by.superior_department_id, is_active=True).first()
        if superior is not None and superior.pk != decided_by.pk:
            organs.append(superior)
    return organs
