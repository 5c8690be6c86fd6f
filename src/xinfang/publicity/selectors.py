"""Reads of 普法宣传: a record is seen where its organiser lies in the reader's scope; the materials' stock."""

from django.db.models import Q, QuerySet, Sum

from xinfang.orgs.models import User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.publicity.models import (
    ActivityMaterial,
    LawExam,
    MaterialKind,
    MaterialReceipt,
    PublicityActivity,
    TrainingSession,
)
from xinfang.publicity.permissions import require_reader


def _scoped(queryset: QuerySet, *, user: User | None) -> QuerySet:
    if user is None:  # the command line's administrator
        return queryset
    require_reader(user)
    scope = user_scope_org_ids(user=user)
    return queryset if scope is None else queryset.filter(organiser_id__in=scope)


def activities_visible_to(*, user: User | None) -> QuerySet[PublicityActivity]:
    return _scoped(PublicityActivity.objects.all(), user=user)


def trainings_visible_to(*, user: User | None) -> QuerySet[TrainingSession]:
    return _scoped(TrainingSession.objects.all(), user=user)


def exams_visible_to(*, user: User | None) -> QuerySet[LawExam]:
    return _scoped(LawExam.objects.all(), user=user)


def material_lines_visible_to(*, user: User | None) -> QuerySet[ActivityMaterial]:
    """The activities' material lines (发放资料份数 by kind) of the activities the reader sees."""
    lines = ActivityMaterial.objects.all()
    if user is None:
        return lines
    return lines.filter(activity__in=activities_visible_to(user=user).values("pk"))


def stock_of(kind_id: int) -> int:
    """Received − handed out, for one kind (the stock is the county's: one store for every org)."""
    received = MaterialReceipt.objects.filter(kind_id=kind_id).aggregate(n=Sum("quantity"))["n"] or 0
    handed = ActivityMaterial.objects.filter(kind_id=kind_id).aggregate(n=Sum("quantity"))["n"] or 0
    return received - handed


def stock_table() -> list[dict]:
    rows = []
    for kind in MaterialKind.objects.all():
        received = kind.receipts.aggregate(n=Sum("quantity"))["n"] or 0
        handed = kind.handouts.aggregate(n=Sum("quantity"))["n"] or 0
        rows.append({"kind": kind, "received": received, "handed": handed, "stock": received - handed})
    return rows


def text_filter(queryset: QuerySet, text: str, *fields: str) -> QuerySet:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition) if text else queryset
