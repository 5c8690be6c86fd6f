"""Writes of the 访调对接 and 导入诉讼 ledgers: one function per use case, one transaction, audited, versioned
(LedgerVersion, ledgers "referral" / "litigation").

A referral is recorded when a matter is handed to a mediation or arbitration body (进行中) and edited as it goes
on: its outcome (调解成功 / 调解不成 / 撤回) with the date and the amount settled or recovered. A litigation batch is
one occasion of guiding matters into court (导入诉讼): its 件, 人次 and 万元. Who may: prevention.permissions.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.permissions import in_scope, require_recorder
from xinfang.prevention.referrals import LITIGATION_LEDGER, REFERRAL_LEDGER, LitigationBatch, Referral
from xinfang.prevention.selectors import disputes_visible_to
from xinfang.prevention.selectors_referrals import litigations_visible_to, referrals_visible_to
from xinfang.prevention.services_common import (
    check_version,
    next_number,
    petitions_by_number,
    snapshot,
    version_append,
)

REFERRAL_FIELDS = ("number", "summary", "path", "receiving_body", "responsible_org", "referred_on", "person_times",
                   "amount_involved", "outcome", "outcome_on", "amount_recovered", "note")
LITIGATION_FIELDS = ("number", "title", "guided_on", "court", "responsible_org", "case_count", "person_times",
                     "amount", "note")
MAX_AMOUNT = Decimal("9999999999.99")  # the column's 12 digits, two of them decimals


def _today() -> date:
    return timezone.localdate()


def _org_clean(errors: dict, *, org_id: int | None, actor: User) -> Org | None:
    org = Org.objects.filter(pk=org_id, is_active=True).first() if org_id else None
    if org is None:
        errors["responsible_org"] = "请选择责任单位"
    elif not in_scope(actor, org.pk):
        errors["responsible_org"] = f"{org.name}不在本单位范围内"
    return org


def _amount_clean(errors: dict, key: str, value) -> None:
    """万元 exact to the fen: a Decimal, not negative, at most two decimals (never a float)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        errors[key] = "金额应为数字（万元）"
    elif value < 0:
        errors[key] = "金额不能为负数"
    elif value != value.quantize(Decimal("0.01")):
        errors[key] = "金额最多两位小数（万元）"
    elif value > MAX_AMOUNT:
        errors[key] = "金额过大"


# --- 访调对接 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    summary: str
    path: str
    receiving_body: str
    responsible_org_id: int | None
    referred_on: date
    person_times: int = 1
    amount_involved: Decimal = Decimal("0.00")
    outcome: str = Referral.Outcome.PENDING
    outcome_on: date | None = None
    amount_recovered: Decimal = Decimal("0.00")
    note: str = ""
    petition_number: str = ""  # a petition the recorder may see (only when recording)
    dispute_number: str = ""  # a dispute the recorder may see (only when recording)


def _referral_clean(*, data: ReferralInput, actor: User) -> Org | None:
    errors: dict[str, str] = {}
    if not data.summary.strip():
        errors["summary"] = "请填写事项概况"
    if data.path not in Referral.Path.values:
        errors["path"] = "请选择对接渠道（人民调解、法院诉前调解、行政调解、劳动人事争议仲裁或商事仲裁）"
    if not data.receiving_body.strip():
        errors["receiving_body"] = "请填写接收机构（如区人民法院诉调对接中心）"
    org = _org_clean(errors, org_id=data.responsible_org_id, actor=actor)
    if data.referred_on > _today():
        errors["referred_on"] = "移交日期不能晚于今天"
    if not isinstance(data.person_times, int) or data.person_times < 1:
        errors["person_times"] = "当事人人次应为不小于1的整数"
    _amount_clean(errors, "amount_involved", data.amount_involved)
    _amount_clean(errors, "amount_recovered", data.amount_recovered)
    if data.outcome not in Referral.Outcome.values:
        errors["outcome"] = "请选择结果（进行中、调解成功、调解不成或撤回）"
    elif data.outcome == Referral.Outcome.PENDING:
        if data.outcome_on is not None:
            errors["outcome_on"] = "进行中的不填结果日期"
    elif data.outcome_on is None:
        errors["outcome_on"] = "已有结果的，请填写结果日期"
    if data.outcome_on is not None and "outcome_on" not in errors:
        if data.outcome_on < data.referred_on:
            errors["outcome_on"] = "结果日期不能早于移交日期"
        elif data.outcome_on > _today():
            errors["outcome_on"] = "结果日期不能晚于今天"
    if "amount_involved" not in errors and "amount_recovered" not in errors \
            and data.amount_recovered > data.amount_involved:
        errors["amount_recovered"] = "到位金额不能大于涉及金额"
    if errors:
        raise ValidationError(errors)
    return org


def _referral_apply(referral: Referral, data: ReferralInput, org: Org) -> None:
    referral.summary, referral.path = data.summary.strip(), data.path
    referral.receiving_body, referral.responsible_org = data.receiving_body.strip(), org
    referral.referred_on, referral.person_times = data.referred_on, data.person_times
    referral.amount_involved, referral.amount_recovered = data.amount_involved, data.amount_recovered
    referral.outcome, referral.outcome_on, referral.note = data.outcome, data.outcome_on, data.note.strip()


def _referral_audit(referral: Referral, **extra) -> dict:
    return {"number": referral.number, "version": referral.version, "path": referral.path,
            "outcome": referral.outcome, "unit": referral.responsible_org_id,
            "amount_involved": f"{referral.amount_involved:.2f}",
            "amount_recovered": f"{referral.amount_recovered:.2f}", **extra}


@transaction.atomic
def referral_create(*, data: ReferralInput, actor: User) -> Referral:
    """Record a matter handed to mediation or arbitration, optionally with its petition and its dispute."""
    require_recorder(actor, action="登记访调对接")
    errors: dict[str, str] = {}
    petition = dispute = None
    if data.petition_number.strip():
        try:
            petition = petitions_by_number(user=actor, numbers=[data.petition_number], field="petition_number")[0]
        except ValidationError as error:
            errors.update({key: texts[0] for key, texts in error.message_dict.items()})
    if data.dispute_number.strip():
        dispute = disputes_visible_to(user=actor).filter(number=data.dispute_number.strip()).first()
        if dispute is None:
            errors["dispute_number"] = f"找不到矛盾纠纷或无权查看：{data.dispute_number.strip()}"
    try:
        org = _referral_clean(data=data, actor=actor)
    except ValidationError as error:
        raise ValidationError({**errors, **{key: texts[0] for key, texts in error.message_dict.items()}}) from None
    if errors:
        raise ValidationError(errors)
    referral = Referral(number=next_number(series="referral", mark="访调", year=data.referred_on.year),
                        recorded_by=actor, recording_org=actor.org or org, petition=petition, dispute=dispute)
    _referral_apply(referral, data, org)
    referral.full_clean()
    referral.save()
    version_append(ledger=REFERRAL_LEDGER, record=referral, actor=actor, action="登记",
                   data=snapshot(referral, fields=REFERRAL_FIELDS))
    audit_record(actor=actor, action="prevention.referral_create", target=referral,
                 data=_referral_audit(referral, petition=referral.petition_id, dispute=referral.dispute_id))
    return referral


@transaction.atomic
def referral_update(*, referral_id: int, data: ReferralInput, actor: User, expected_version: int | None = None,
                    note: str = "") -> Referral:
    """Change a referral's facts or record its outcome; its petition and dispute links stay as they were made."""
    require_recorder(actor, action="修改访调对接")
    referral = referrals_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=referral_id).first()
    if referral is None:
        raise PermissionDenied("访调对接记录不存在或不在本单位范围内")
    check_version(referral, expected_version)
    before = snapshot(referral, fields=REFERRAL_FIELDS)
    org = _referral_clean(data=data, actor=actor)
    outcome_before = referral.outcome
    _referral_apply(referral, data, org)
    referral.version += 1
    referral.full_clean()
    referral.save()
    action = "登记结果" if outcome_before != referral.outcome else "修改"
    version = version_append(ledger=REFERRAL_LEDGER, record=referral, actor=actor, action=action,
                             data=snapshot(referral, fields=REFERRAL_FIELDS), before=before, note=note.strip())
    audit_record(actor=actor, action="prevention.referral_update", target=referral,
                 data=_referral_audit(referral, changed=list(version.changes)))
    return referral


# --- 导入诉讼 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LitigationInput:
    title: str
    guided_on: date
    court: str
    responsible_org_id: int | None
    case_count: int
    person_times: int
    amount: Decimal = Decimal("0.00")
    note: str = ""
    petition_numbers: tuple[str, ...] = field(default_factory=tuple)


def _litigation_clean(*, data: LitigationInput, actor: User) -> tuple[Org | None, list]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写批次名称"
    if not data.court.strip():
        errors["court"] = "请填写受理法院"
    org = _org_clean(errors, org_id=data.responsible_org_id, actor=actor)
    if data.guided_on > _today():
        errors["guided_on"] = "导入日期不能晚于今天"
    if not isinstance(data.case_count, int) or data.case_count < 1:
        errors["case_count"] = "件数应为不小于1的整数"
    if not isinstance(data.person_times, int) or data.person_times < 1:
        errors["person_times"] = "人次应为不小于1的整数"
    _amount_clean(errors, "amount", data.amount)
    petitions: list = []
    try:
        petitions = petitions_by_number(user=actor, numbers=data.petition_numbers)
    except ValidationError as error:
        errors.update({key: texts[0] for key, texts in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return org, petitions


def _litigation_apply(batch: LitigationBatch, data: LitigationInput, org: Org) -> None:
    batch.title, batch.guided_on, batch.court = data.title.strip(), data.guided_on, data.court.strip()
    batch.responsible_org, batch.case_count, batch.person_times = org, data.case_count, data.person_times
    batch.amount, batch.note = data.amount, data.note.strip()


def _litigation_audit(batch: LitigationBatch, **extra) -> dict:
    return {"number": batch.number, "version": batch.version, "unit": batch.responsible_org_id,
            "cases": batch.case_count, "persons": batch.person_times, "amount": f"{batch.amount:.2f}", **extra}


@transaction.atomic
def litigation_create(*, data: LitigationInput, actor: User) -> LitigationBatch:
    """Record a batch of matters guided into litigation, with the petitions (the recorder may see) it covers."""
    require_recorder(actor, action="登记导入诉讼")
    org, petitions = _litigation_clean(data=data, actor=actor)
    batch = LitigationBatch(number=next_number(series="litigation", mark="诉讼", year=data.guided_on.year),
                            recorded_by=actor, recording_org=actor.org or org)
    _litigation_apply(batch, data, org)
    batch.full_clean()
    batch.save()
    batch.petitions.set(petitions)
    version_append(ledger=LITIGATION_LEDGER, record=batch, actor=actor, action="登记",
                   data=snapshot(batch, fields=LITIGATION_FIELDS))
    audit_record(actor=actor, action="prevention.litigation_create", target=batch,
                 data=_litigation_audit(batch, petitions=[petition.pk for petition in petitions]))
    return batch


def _ids(petitions: Iterable) -> set[int]:
    return {petition.pk for petition in petitions}


@transaction.atomic
def litigation_update(*, batch_id: int, data: LitigationInput, actor: User, expected_version: int | None = None,
                      note: str = "") -> LitigationBatch:
    """Change a batch; the petitions named replace those the editor sees, the ones hidden from him stay linked."""
    require_recorder(actor, action="修改导入诉讼")
    batch = litigations_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=batch_id).first()
    if batch is None:
        raise PermissionDenied("导入诉讼批次不存在或不在本单位范围内")
    check_version(batch, expected_version)
    before = snapshot(batch, fields=LITIGATION_FIELDS)
    org, petitions = _litigation_clean(data=data, actor=actor)
    linked = set(batch.petitions.values_list("pk", flat=True))
    visible = set(petitions_visible_to(user=actor).filter(pk__in=linked).values_list("pk", flat=True))
    wanted = (linked - visible) | _ids(petitions)
    _litigation_apply(batch, data, org)
    batch.version += 1
    batch.full_clean()
    batch.save()
    batch.petitions.set(wanted)
    version = version_append(ledger=LITIGATION_LEDGER, record=batch, actor=actor, action="修改",
                             data=snapshot(batch, fields=LITIGATION_FIELDS), before=before, note=note.strip())
    audit_record(actor=actor, action="prevention.litigation_update", target=batch, data=_litigation_audit(
        batch, changed=list(version.changes), linked=sorted(wanted - linked), unlinked=sorted(linked - wanted)))
    return batch
