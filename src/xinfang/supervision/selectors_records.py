"""Reads of 督办 and 三项建议: who sees which record, the list's filters, overdue ones, counts by kind."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.records import Recommendation, RecordStatus, Supervision

STATES = {"open": "待回复", "overdue": "超期未回复", "answered": "已回复待办结", "closed": "已办结"}


def records_visible(model, *, user: User) -> QuerySet:
    """Records the user's office issued, or addressed to the user's scope; never one about a case the user
    may not see (petitions_visible_to: an accusation stays away from the accused unit, Art 30)."""
    queryset = model.objects.all()
    scope = user_scope_org_ids(user=user)
    if scope is not None:
        queryset = queryset.filter(Q(office_id=user.org_id) | Q(target_org_id__in=scope))
    visible = petitions_visible_to(user=user).values("pk")
    if model is Supervision:
        queryset = queryset.filter(Q(petition__isnull=True) | Q(petition__in=visible))
    else:  # a record with a `petitions` many-to-many (三项建议, 约谈, 限期整改)
        owner = f"{model._meta.model_name}_id"
        hidden = model.petitions.through.objects.exclude(petition_id__in=visible).values(owner)
        queryset = queryset.exclude(pk__in=hidden)
    return queryset


def supervisions_visible_to(*, user: User) -> QuerySet[Supervision]:
    return records_visible(Supervision, user=user).select_related("office", "target_org", "petition", "issued_by")


def recommendations_visible_to(*, user: User) -> QuerySet[Recommendation]:
    return records_visible(Recommendation, user=user).select_related("office", "target_org", "issued_by")


def overdue_q(today: date) -> Q:
    """Unanswered past the due date."""
    return Q(status=RecordStatus.OPEN, due_on__lt=today)


def supervisions_overdue(*, user: User, today: date | None = None) -> QuerySet[Supervision]:
    return supervisions_visible_to(user=user).filter(overdue_q(today or timezone.localdate()))


def recommendations_overdue(*, user: User, today: date | None = None) -> QuerySet[Recommendation]:
    return recommendations_visible_to(user=user).filter(overdue_q(today or timezone.localdate()))


@dataclass(frozen=True)
class RecordFilters:
    kind: str = ""
    target_org_id: int | None = None
    state: str = ""  # open, overdue, answered, closed (STATES)


def records_filter(queryset: QuerySet, *, filters: RecordFilters, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.target_org_id:
        queryset = queryset.filter(target_org_id=filters.target_org_id)
    if filters.state == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif filters.state in (RecordStatus.OPEN, RecordStatus.ANSWERED, RecordStatus.CLOSED):
        queryset = queryset.filter(status=filters.state)
    # Overdue first, then open, answered and closed, each by due date (the inbox's order).
    rank = Case(When(overdue_q(today), then=Value(0)), When(status=RecordStatus.OPEN, then=Value(1)),
                When(status=RecordStatus.ANSWERED, then=Value(2)), default=Value(3), output_field=IntegerField())
    return queryset.annotate(rank=rank).order_by("rank", "due_on", "-id")


def records_target_orgs(*, user: User) -> list[Org]:
    """The units of the records the user sees, for the unit filter."""
    ids = set(records_visible(Supervision, user=user).values_list("target_org_id", flat=True))
    ids |= set(records_visible(Recommendation, user=user).values_list("target_org_id", flat=True))
    return list(Org.objects.filter(pk__in=ids).order_by("path"))


def supervision_get_for_user(*, user: User, supervision_id: int) -> Supervision:
    return supervisions_visible_to(user=user).get(pk=supervision_id)


def recommendation_get_for_user(*, user: User, recommendation_id: int) -> Recommendation:
    return recommendations_visible_to(user=user).prefetch_related("follow_ups__noted_by").get(pk=recommendation_id)


def _period(queryset: QuerySet, start: date | None, end: date | None) -> QuerySet:
    if start:
        queryset = queryset.filter(issued_on__gte=start)
    if end:
        queryset = queryset.filter(issued_on__lte=end)
    return queryset


def counts_by_kind(queryset: QuerySet, kinds: list[str], *, start: date | None, end: date | None,
                   office: Org | None) -> dict[str, int]:
    """Records of `queryset` issued in [start, end] by kind, every kind present (zero when none)."""
    queryset = _period(queryset, start, end)
    if office is not None:
        queryset = queryset.filter(office=office)
    found = dict(queryset.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {kind: found.get(kind, 0) for kind in kinds}


def supervision_counts_by_kind(*, user: User, start: date | None = None, end: date | None = None,
                               office: Org | None = None) -> dict[str, int]:
    """督办 issued in [start, end] by kind (every kind present, zero when none), for the statistics.

    `office` narrows to one issuing office; the records counted are those the user sees.
    """
    return counts_by_kind(records_visible(Supervision, user=user), Supervision.Kind.values, start=start, end=end,
                          office=office)


def supervision_letter_counts(*, user: User, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """发函督办 by letter (督办提醒函, 督办函)."""
    queryset = _period(records_visible(Supervision, user=user), start, end).filter(kind=Supervision.Kind.LETTER)
    found = dict(queryset.values_list("letter_kind").annotate(n=Count("id")).values_list("letter_kind", "n"))
    return {kind: found.get(kind, 0) for kind in Supervision.LetterKind.values}


def recommendation_counts_by_kind(*, user: User, start: date | None = None, end: date | None = None,
                                  office: Org | None = None) -> dict[str, int]:
    """三项建议 issued in [start, end] by kind, every kind present."""
    return counts_by_kind(records_visible(Recommendation, user=user), Recommendation.Kind.values, start=start,
                          end=end, office=office)
