"""The input fields rules require: label, how to parse, and the message when the value is bad."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from xinfang.orgs.models import Org, User
from xinfang.petitions.validators import MAX_ACTION_DAYS, validate_db_id
from xinfang.workflow.choices import (
    DeliveryMethod,
    InvestigationMethod,
    LegalPathway,
    Outcome,
    RatedBy,
    Rating,
    RejectionReason,
    ReliefKind,
    ReviewOutcome,
    ReviewRefusalReason,
    SuggestionContribution,
)
from xinfang.workflow.models import JointAcceptance, Recusal


@dataclass(frozen=True)
class FieldSpec:
    label: str
    parse: Callable[[Any], Any]
    choices: type[models.TextChoices] | None = None
    widget: str = "text"  # text | textarea | select | org | user | number


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value or "").strip()
        if not text:
            raise ValidationError("不能为空")
        if len(text) > limit:
            raise ValidationError(f"不超过{limit}字")
        return text
    return parse


def _choice(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices.values:
            raise ValidationError(f"应为以下之一：{'、'.join(choices.labels)}")
        return str(value)
    return parse


def _org(value: Any) -> Org:
    if isinstance(value, Org):  # the bulk import resolves org codes itself (exchange.replay)
        if not value.is_active:
            raise ValidationError("机构不存在或已停用")
        return value
    # An id too large for the database's BIGINT names no org (and would overflow SQLite's integer).
    pk = validate_db_id(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    org = Org.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if org is None:
        raise ValidationError("机构不存在或已停用")
    return org


def _user(value: Any) -> User:
    if isinstance(value, User):
        if not value.is_active:
            raise ValidationError("人员不存在或已停用")
        return value
    pk = validate_db_id(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    user = User.objects.filter(pk=pk, is_active=True).select_related("org").first() if pk is not None else None
    if user is None:
        raise ValidationError("人员不存在或已停用")
    return user


def _days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's Infinity
        raise ValidationError("应为天数（整数）") from None
    if days < 1:
        raise ValidationError("至少1天")
    if days > MAX_ACTION_DAYS:  # a term beyond any statutory one; huge ones would overflow date arithmetic
        raise ValidationError(f"不超过{MAX_ACTION_DAYS}天")
    return days


def _late_action(value: Any) -> str:
    from xinfang.workflow.rules import RULES_BY_ACTION  # the table imports no fields; import when parsing

    if value not in RULES_BY_ACTION or value == "approve_late_entry":
        raise ValidationError("应为一项办理操作")
    return str(value)


def _iso_date(value: Any) -> str:
    """A day, kept as ISO text (event values are JSON)."""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationError("应为日期（YYYY-MM-DD）") from None


FIELDS: dict[str, FieldSpec] = {
    "handling_org": FieldSpec("责任单位", _org, widget="org"),
    "pathway_org": FieldSpec("法定途径受理机关", _org, widget="org"),
    "reviewing_org": FieldSpec("复查（复核）机关", _org, widget="org"),
    "report_days": FieldSpec("办结报告期限（日）", _days, widget="number"),
    "days": FieldSpec("延长天数", _days, widget="number"),
    "reason": FieldSpec("理由", _text(1000), widget="textarea"),
    "reasons": FieldSpec("事实和理由", _text(5000), widget="textarea"),
    "rejection_reason": FieldSpec("不予受理理由", _choice(RejectionReason), RejectionReason, "select"),
    "legal_pathway": FieldSpec("法定途径", _choice(LegalPathway), LegalPathway, "select"),
    "same_matter_as": FieldSpec("已终结事项编号", _text(40)),
    # The conclusion (支持、不予支持 …, the figures count it) and the decision's text are two fields of the
    # 处理意见书: distinct labels, so neither is mistaken for the other.
    "outcome": FieldSpec("处理结论", _choice(Outcome), Outcome, "select"),
    "facts": FieldSpec("查明的事实和理由", _text(5000), widget="textarea"),
    "decision": FieldSpec("处理意见", _text(5000), widget="textarea"),
    "legal_basis": FieldSpec("法律法规依据", _text(2000), widget="textarea"),
    "agreement": FieldSpec("调解协议内容", _text(5000), widget="textarea"),
    "delivery_method": FieldSpec("送达方式", _choice(DeliveryMethod), DeliveryMethod, "select"),
    "report": FieldSpec("办结报告", _text(5000), widget="textarea"),
    "rating": FieldSpec("评价", _choice(Rating), Rating, "select"),
    "rated_by": FieldSpec("评价方式", _choice(RatedBy), RatedBy, "select"),
    "comment": FieldSpec("评价意见", _text(1000), widget="textarea"),
    "review_outcome": FieldSpec("复查（复核）结论", _choice(ReviewOutcome), ReviewOutcome, "select"),
    "backdate_reason": FieldSpec("补录理由", _text(500), widget="textarea"),
    "late_action": FieldSpec("补录的办理操作", _late_action, widget="select"),
    "backdate_to": FieldSpec("补录的办理日期", _iso_date, widget="date"),
    "review_refusal_reason": FieldSpec("不予受理理由", _choice(ReviewRefusalReason), ReviewRefusalReason, "select"),
    # Art 24: a matter involving several organs.
    "accepting_org": FieldSpec("受理机关", _org, widget="org"),
    "involved_org": FieldSpec("其他涉及机关", _org, widget="org"),
    "acceptance_basis": FieldSpec("确定方式", _choice(JointAcceptance.Basis), JointAcceptance.Basis, "select"),
    # Art 25: a major, urgent matter reported up.
    "report_to_org": FieldSpec("报告机关", _org, widget="org"),
    "urgent_report": FieldSpec("报告内容", _text(5000), widget="textarea"),
    # Art 28: recusal.
    "recused_user": FieldSpec("回避人员", _user, widget="user"),
    "recusal_ground": FieldSpec("回避事由", _choice(Recusal.Ground), Recusal.Ground, "select"),
    # Art 29: suggestions.
    "assessment": FieldSpec("研究论证意见", _text(5000), widget="textarea"),
    "contribution": FieldSpec("建议的贡献", _choice(SuggestionContribution), SuggestionContribution, "select"),
    "reward": FieldSpec("奖励内容", _text(1000), widget="textarea"),
    # Work inside the handling unit: the person who handles it, the investigation log, the head's return of a draft.
    "assignee": FieldSpec("承办人", _user, widget="user"),
    "investigation_method": FieldSpec("调查核实方式", _choice(InvestigationMethod), InvestigationMethod, "select"),
    "investigation_note": FieldSpec("调查核实情况（时间、地点、对象、经过、结果）", _text(5000), widget="textarea"),
    "relief_kind": FieldSpec("救助方式", _choice(ReliefKind), ReliefKind, "select"),
    "relief_details": FieldSpec("救助情况（困难情况、告知或转介的机关、结果）", _text(2000), widget="textarea"),
}


# Accepted with any action besides the rule's own fields (services.petition_act): why it is entered late.
LATE_ENTRY_FIELDS = ("backdate_reason",)


def parse_values(*, required: tuple[str, ...], optional: tuple[str, ...], raw: dict[str, Any]) -> dict[str, Any]:
    """Parse the rule's fields; one ValidationError names every missing or bad one."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in required + optional:
        given = raw.get(name)
        if given in (None, ""):
            if name in required:
                errors[name] = [f"请填写{FIELDS[name].label}"]
            continue
        try:
            values[name] = FIELDS[name].parse(given)
        except ValidationError as error:
            errors[name] = [f"{FIELDS[name].label}：{message}" for message in error.messages]
    unknown = set(raw) - set(required) - set(optional)
    if unknown:
        errors["__all__"] = [f"此操作不接受这些字段：{', '.join(sorted(unknown))}"]
    if errors:
        raise ValidationError(errors)
    return values


def serialisable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as stored in events and notices: orgs by id and name."""
    return {key: ({"id": value.pk, "name": value.name} if isinstance(value, Org)
                  else {"id": value.pk, "name": value.full_name or value.username} if isinstance(value, User)
                  else value)
            for key, value in values.items()}
