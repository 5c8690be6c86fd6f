"""Writes of 质量评查: saving an evaluation (one transaction, audited). Nothing updates or deletes one.

Permissions are checked here: only an evaluator (permissions.can_evaluate) and only for a matter the evaluator
may see (petitions_visible_to, Art 30: an accusation is never evaluated by, or shown to, the accused unit).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.quality.auto import AUTO_RULES, AutoResult
from xinfang.quality.config import Checklist, Item, QualityConfig, quality_config
from xinfang.quality.models import ItemScore, QualityEvaluation
from xinfang.quality.permissions import can_evaluate
from xinfang.stats.indicators import percent


@dataclass(frozen=True)
class ItemInput:
    earned: int | None
    note: str = ""


def auto_suggestions(*, petition: Petition, checklist: Checklist) -> dict[str, AutoResult]:
    """What the system finds for each auto item of the checklist, by item key."""
    return {item.key: AUTO_RULES[item.auto](petition) for item in checklist.items if item.auto}


def current_evaluation(*, petition: Petition, checklist: str) -> QualityEvaluation | None:
    """The evaluation of the case on this checklist that no later one supersedes."""
    return (QualityEvaluation.objects.filter(petition=petition, checklist=checklist, superseded_by__isnull=True)
            .order_by("-id").first())


def _item_score(item: Item, position: int, given: ItemInput | None, suggestion: AutoResult | None) -> ItemScore:
    if given is None or given.earned is None:
        raise ValidationError("请评分")
    if not 0 <= given.earned <= item.points:
        raise ValidationError(f"得分应在0至{item.points}分之间")
    note = given.note.strip()
    if given.earned < item.points and not note:
        raise ValidationError("未得满分的，须写明扣分说明")
    suggested = None if suggestion is None else (item.points if suggestion.met else 0)
    if suggested is None:
        source = ItemScore.Source.MANUAL
    elif given.earned == suggested:
        source = ItemScore.Source.AUTO_CONFIRMED
    else:
        source = ItemScore.Source.AUTO_OVERRIDDEN
    return ItemScore(position=position, key=item.key, text=item.text[:200], points=item.points,
                     earned=given.earned, source=source, auto_suggested=suggested,
                     auto_reason=suggestion.reason_zh[:300] if suggestion else "", note=note)


@transaction.atomic
def quality_evaluate(*, petition_id: int, checklist: str, actor: User, scores: dict[str, ItemInput],
                     supersedes_id: int | None = None, comment: str = "",
                     config: QualityConfig | None = None) -> QualityEvaluation:
    """Save one evaluation of a case; `supersedes_id` names the current one a re-evaluation replaces.

    Bad input saves nothing: item problems come back together, keyed by item (ValidationError.message_dict).
    """
    if not can_evaluate(actor):
        raise PermissionDenied("只有信访部门的审核员或督查督办员可以进行质量评查")
    # Locked: two reviewers saving at once cannot both supersede the same evaluation, or both be first.
    petition = petitions_visible_to(user=actor).select_for_update().filter(pk=petition_id).first()
    if petition is None:
        raise PermissionDenied("该信访事项不存在或不在您的数据范围内，不能评查")
    config = config or quality_config()
    spec = config.checklist(checklist)
    if spec is None:
        raise ValidationError({"checklist": [f"没有评查表“{checklist}”"]})
    current = current_evaluation(petition=petition, checklist=spec.key)
    if (current.pk if current else None) != supersedes_id:
        raise ValidationError({"supersedes": [f"该事项的{spec.name}已有更新的评查结果，请刷新后重新评查"]})
    suggestions = auto_suggestions(petition=petition, checklist=spec)
    items, errors = [], {}
    for position, item in enumerate(spec.items, start=1):
        try:
            items.append(_item_score(item, position, scores.get(item.key), suggestions.get(item.key)))
        except ValidationError as error:
            errors[item.key] = error.messages
    if errors:
        raise ValidationError(errors)
    earned = sum(item.earned for item in items)
    possible = spec.points_possible
    score = percent(earned, possible)
    evaluation = QualityEvaluation(
        petition=petition, checklist=spec.key, checklist_name=spec.name,
        unit_id=petition.handling_org_id or petition.registering_org_id, evaluator=actor,
        evaluator_org_id=actor.org_id, evaluated_on=timezone.localdate(), points_earned=earned,
        points_possible=possible, score=score, grade=config.grade_for(score), comment=comment.strip(),
        failed=config.grade_for(score) == config.failing, supersedes=current)
    evaluation.full_clean()
    evaluation.save()
    for item in items:
        item.evaluation = evaluation
    ItemScore.objects.bulk_create(items)
    audit_record(actor=actor, action="quality.evaluate", target=evaluation, data={
        "petition": petition.number, "checklist": spec.key, "points_earned": earned, "points_possible": possible,
        "score": str(score), "grade": evaluation.grade, "supersedes": current.pk if current else None,
        "overridden": [item.key for item in items if item.source == ItemScore.Source.AUTO_OVERRIDDEN]})
    return evaluation


@transaction.atomic
def quality_export_record(*, actor: User, params: dict[str, str], rows: int) -> None:
    """Record an Excel download of evaluations in the audit log: case numbers and scores leave the system."""
    audit_record(actor=actor, action="quality.export", data={**params, "rows": rows})
