"""Reads of 约谈, 限期整改 and 通报: who sees which, the lists' filters, overdue ones, counts by kind."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.supervision.accountability import Circular, Rectification
from xinfang.supervision.selectors_records import counts_by_kind, overdue_q, records_visible

# --- 约谈 and 限期整改 (the 督办 records' rules: issuing office or unit in scope; cases filtered, Art 30) -----

RECTIFICATION_STATES = {"open": "待报送整改情况", "overdue": "超期未报送", "answered": "已报送待验收办结",
                        "closed": "已办结"}


def rectifications_visible_to(*, user: User) -> QuerySet[Rectification]:
    return records_visible(Rectification, user=user).select_related("office", "target_org", "issued_by")


def rectification_get_for_user(*, user: User, rectification_id: int) -> Rectification:
    return rectifications_visible_to(user=user).prefetch_related("entries__noted_by", "petitions").get(
        pk=rectification_id)


def rectifications_overdue(*, user: User, today: date | None = None) -> QuerySet[Rectification]:
    """The rectification report past due and not submitted."""
    return rectifications_visible_to(user=user).filter(overdue_q(today or timezone.localdate()))


def rectification_target_orgs(*, user: User) -> list[Org]:
    ids = set(records_visible(Rectification, user=user).values_list("target_org_id", flat=True))
    return list(Org.objects.filter(pk__in=ids).order_by("path"))


def rectification_counts_by_kind(*, user: User, start: date | None = None, end: date | None = None,
                                 office: Org | None = None) -> dict[str, int]:
    """约谈 and 限期整改 issued in [start, end], every kind present, for the statistics."""
    return counts_by_kind(records_visible(Rectification, user=user), Rectification.Kind.values, start=start,
                          end=end, office=office)


# --- 通报 --------------------------------------------------------------------------------------------------

CIRCULATED = (Circular.Status.ISSUED, Circular.Status.REVOKED)


def circulars_visible_to(*, user: User) -> QuerySet[Circular]:
    """The office's own circulars, drafts included, to its staff; issued (and revoked) ones to everyone in the
    issuing office's scope (the organ it works for and below) or above it, and to the units named."""
    queryset = Circular.objects.select_related("office", "revokes", "issued_by", "drafted_by")
    scope = user_scope_org_ids(user=user)
    if scope is None:
        return queryset
    if user.org is None:
        return queryset.none()
    ancestors = user.org.ancestor_ids
    named = Circular.units.through.objects.filter(org_id__in=ancestors).values("circular_id")
    circulated = Q(office_id__in=scope) | Q(office__parent_id__in=ancestors) | Q(pk__in=named)
    return queryset.filter(Q(office_id=user.org_id) | (Q(status__in=CIRCULATED) & circulated))


def circular_get_for_user(*, user: User, circular_id: int) -> Circular:
    return circulars_visible_to(user=user).prefetch_related("units", "petitions").get(pk=circular_id)


@dataclass(frozen=True)
class CircularFilters:
    kind: str = ""
    unit_id: int | None = None
    year: int | None = None
    status: str = ""


def circulars_filter(queryset: QuerySet[Circular], *, filters: CircularFilters) -> QuerySet[Circular]:
    """Drafts first, then the newest issued."""
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.unit_id:
        queryset = queryset.filter(pk__in=Circular.units.through.objects.filter(org_id=filters.unit_id)
                                   .values("circular_id"))
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    draft_first = Case(When(status=Circular.Status.DRAFT, then=Value(0)), default=Value(1),
                       output_field=IntegerField())
    return queryset.annotate(draft_first=draft_first).order_by("draft_first", "-issued_on", "-id")


def circular_filter_choices(*, user: User) -> tuple[list[Org], list[int]]:
    """The units named and the years of the circulars the user sees, for the filters."""
    visible = circulars_visible_to(user=user)
    unit_ids = Circular.units.through.objects.filter(circular__in=visible).values("org_id")
    years = sorted({year for year in visible.values_list("year", flat=True) if year}, reverse=True)
    return list(Org.objects.filter(pk__in=unit_ids).order_by("path")), years


def circular_counts_by_kind(*, user: User, start: date | None = None, end: date | None = None,
                            office: Org | None = None) -> dict[str, int]:
    """通报批评 and 通报表扬 in force, issued in [start, end], every kind present (a revoked one is counted as its
    correction)."""
    return counts_by_kind(circulars_visible_to(user=user).filter(status=Circular.Status.ISSUED), Circular.Kind.values,
                          start=start, end=end, office=office)
