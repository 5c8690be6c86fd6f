"""Reads of 质量评查, always through the reader's petitions (petitions_visible_to): the list and the unit table."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from xinfang.orgs.models import Org, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.validators import MAX_DB_ID
from xinfang.quality.config import quality_config
from xinfang.quality.models import QualityEvaluation
from xinfang.stats.indicators import percent
from xinfang.supervision.rankings import quarter_dates, quarter_parse


def evaluations_visible_to(*, user: User) -> QuerySet[QualityEvaluation]:
    """Evaluations of the matters the user may see; an evaluation of a hidden accusation is hidden too."""
    visible = petitions_visible_to(user=user).filter(pk=OuterRef("petition_id"))
    return QualityEvaluation.objects.filter(Exists(visible))


def evaluation_get_for_user(*, user: User, evaluation_id: int) -> QualityEvaluation:
    """One evaluation the user may see; missing and forbidden are the same DoesNotExist (404)."""
    return (evaluations_visible_to(user=user)
            .select_related("petition", "unit", "evaluator", "evaluator_org", "supersedes")
            .prefetch_related("items").get(pk=evaluation_id))


@dataclass(frozen=True)
class QualityFilters:
    year: int
    quarter: int
    checklist: str = ""
    unit_id: int | None = None
    grade: str = ""

    @property
    def start(self) -> date:
        return quarter_dates(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        return quarter_dates(self.year, self.quarter)[1]

    def as_params(self, **changes) -> dict[str, str]:
        params = {"year": str(self.year), "quarter": str(self.quarter), "checklist": self.checklist,
                  "unit": str(self.unit_id or ""), "grade": self.grade}
        params.update({key: str(value) for key, value in changes.items()})
        return {key: value for key, value in params.items() if value}


def current_quarter(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def quality_filters_parse(*, year: str = "", quarter: str = "", checklist: str = "", unit: str = "",
                          grade: str = "") -> QualityFilters:
    """Checked filters (the period is a quarter; none given: the current one); problems are ValidationErrors."""
    config = quality_config()
    if not year and not quarter:
        year_value, quarter_value = current_quarter(timezone.localdate())
    else:
        year_value, quarter_value = quarter_parse(year=year, quarter=quarter)
    errors = {}
    if checklist and config.checklist(checklist) is None:
        errors["checklist"] = [f"没有评查表“{checklist}”"]
    if grade and grade not in config.grade_names:
        errors["grade"] = [f"没有等次“{grade}”"]
    unit_id = None
    if unit:
        try:
            unit_id = int(unit)
            if not 0 < unit_id <= MAX_DB_ID:
                raise ValueError
        except ValueError:
            errors["unit"] = [f"单位“{unit}”无效"]
    if errors:
        raise ValidationError(errors)
    return QualityFilters(year_value, quarter_value, checklist, unit_id, grade)


def evaluations_filtered(*, user: User, filters: QualityFilters) -> QuerySet[QualityEvaluation]:
    """The current evaluations (not superseded) of the quarter that meet the filters, newest first."""
    queryset = evaluations_visible_to(user=user).filter(
        superseded_by__isnull=True, evaluated_on__range=(filters.start, filters.end))
    if filters.checklist:
        queryset = queryset.filter(checklist=filters.checklist)
    if filters.unit_id:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.grade:
        queryset = queryset.filter(grade=filters.grade)
    return queryset.select_related("petition", "unit", "evaluator").order_by("-evaluated_on", "-id")


@dataclass(frozen=True)
class UnitResult:
    org_id: int
    name: str
    evaluated: int
    points_earned: int
    points_possible: int
    failed: int

    @property
    def score(self) -> Decimal | None:
        """Points earned ÷ points possible over the unit's evaluations (the registry's quality_score_rate)."""
        return percent(self.points_earned, self.points_possible)


def unit_results(*, user: User, filters: QualityFilters) -> list[UnitResult]:
    """Per unit for the quarter: evaluations, average score, 不合格 count (the grade filter is not applied)."""
    rows = (evaluations_filtered(user=user, filters=QualityFilters(
        filters.year, filters.quarter, filters.checklist, filters.unit_id))
        .order_by().values("unit_id")
        .annotate(evaluated=Count("pk"), earned=Sum("points_earned"), possible=Sum("points_possible"),
                  failed=Count("pk", filter=Q(failed=True))))
    names = dict(Org.objects.filter(pk__in=[row["unit_id"] for row in rows]).values_list("pk", "name"))
    results = [UnitResult(row["unit_id"], names.get(row["unit_id"], ""), row["evaluated"], row["earned"] or 0,
                          row["possible"] or 0, row["failed"]) for row in rows]
    return sorted(results, key=lambda result: result.name)
