"""Writes of the 矛盾纠纷排查化解 ledger: one function per use case, one transaction, audited, versioned.

A dispute is recorded (化解中), its settlement reported by the unit (待核实: 已化解 with date and way, or 未化解
with the reason), and verified by the petition office's reviewer (已化解 / 未化解) or returned (化解中 again, with
the reason). Only a verified 已化解 counts as 化解 in the figures. Who may do what: prevention.permissions.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.prevention.disputes import Dispute, DisputeBatch, DisputePetition, RiskLevel, ScreeningCampaign
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.lists import CampaignKind, DisputeField
from xinfang.prevention.permissions import in_scope, is_office_reviewer, require_office_reviewer, require_recorder
from xinfang.prevention.services_common import check_version, next_number, petitions_by_number, snapshot, version_append

LOCALITY_KINDS = (Org.Kind.TOWNSHIP, Org.Kind.VILLAGE)
MAX_AMOUNT = Decimal("9999999999.99")
DISPUTE_FIELDS = ("number", "campaign", "batch", "source", "field", "summary", "parties", "person_times", "amount",
                  "locality", "risk_level", "responsible_org", "responsible_person", "found_on", "deadline",
                  "measures", "status", "outcome", "settled_on", "method", "settlement_note", "unsettled_reason",
                  "verified_by", "verified_on", "return_reason")
CAMPAIGN_FIELDS = ("number", "title", "kind", "organiser", "started_on", "ended_on", "scope", "note")


def _today() -> date:
    return timezone.localdate()


def parse_amount(value) -> Decimal:
    """An amount in 万元, exact to the fen of a 万元 (two decimals); ValueError with the reason otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    if isinstance(value, float):
        value = repr(value)  # Excel's 12.3 is the float 12.3: take its shortest text, not its binary expansion
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("应为数字（万元）") from None
    if not amount.is_finite():
        raise ValueError("应为数字（万元）")
    if amount < 0:
        raise ValueError("不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("最多两位小数（万元）")
    if amount > MAX_AMOUNT:
        raise ValueError("数额过大")
    return amount.quantize(Decimal("0.01"))


# --- 排查 ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    title: str
    kind_id: int
    organiser_id: int
    started_on: date
    ended_on: date | None = None
    scope: str = ""
    org_ids: tuple[int, ...] = ()
    note: str = ""


def _campaign_clean(*, data: CampaignInput, actor: User) -> tuple[CampaignKind, Org, list[Org]]:
    errors: dict[str, str] = {}
    kind = CampaignKind.objects.filter(pk=data.kind_id, is_active=True).first()
    if kind is None:
        errors["kind"] = "请选择排查类型"
    organiser = Org.objects.filter(pk=data.organiser_id, is_active=True).first()
    if organiser is None or not in_scope(actor, organiser.pk):
        errors["organiser"] = "组织单位不存在或不在本单位范围内"
    if not data.title.strip():
        errors["title"] = "请填写排查名称"
    if data.started_on > _today():
        errors["started_on"] = "开始日期不能晚于今天"
    if data.ended_on is not None and data.ended_on < data.started_on:
        errors["ended_on"] = "结束日期不能早于开始日期"
    orgs = list(Org.objects.filter(pk__in=data.org_ids))
    outside = [org.name for org in orgs if not in_scope(actor, org.pk)]
    if outside:
        errors["orgs"] = f"不在本单位范围内：{'、'.join(outside)}"
    if errors:
        raise ValidationError(errors)
    return kind, organiser, orgs


def _campaign_snapshot(campaign: ScreeningCampaign) -> dict:
    return snapshot(campaign, fields=CAMPAIGN_FIELDS,
                    extra={"覆盖单位": "、".join(org.name for org in campaign.orgs.order_by("path"))})


@transaction.atomic
def campaign_create(*, data: CampaignInput, actor: User) -> ScreeningCampaign:
    """Record a 排查 (全县大排查, 专项排查 …) with the orgs it covered."""
    require_recorder(actor, action="登记矛盾纠纷排查")
    kind, organiser, orgs = _campaign_clean(data=data, actor=actor)
    campaign = ScreeningCampaign(
        number=next_number(series="campaign", mark="排查", year=data.started_on.year), title=data.title.strip(),
        kind=kind, organiser=organiser, started_on=data.started_on, ended_on=data.ended_on,
        scope=data.scope.strip(), note=data.note.strip(), recorded_by=actor)
    campaign.full_clean()
    campaign.save()
    campaign.orgs.set(orgs)
    version_append(ledger=LedgerVersion.Ledger.CAMPAIGN, record=campaign, actor=actor, action="登记",
                   data=_campaign_snapshot(campaign))
    audit_record(actor=actor, action="prevention.campaign_create", target=campaign,
                 data={"number": campaign.number, "kind": kind.name, "organiser": organiser.pk})
    return campaign


@transaction.atomic
def campaign_update(*, campaign_id: int, data: CampaignInput, actor: User,
                    expected_version: int | None = None) -> ScreeningCampaign:
    """Change a 排查; the previous state stays in its history."""
    require_recorder(actor, action="修改矛盾纠纷排查")
    from xinfang.prevention.selectors import campaigns_visible_to

    campaign = campaigns_visible_to(user=actor).select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise PermissionDenied("排查不存在或不在本单位范围内")
    check_version(campaign, expected_version)
    before = _campaign_snapshot(campaign)
    kind, organiser, orgs = _campaign_clean(data=data, actor=actor)
    campaign.title, campaign.kind, campaign.organiser = data.title.strip(), kind, organiser
    campaign.started_on, campaign.ended_on = data.started_on, data.ended_on
    campaign.scope, campaign.note = data.scope.strip(), data.note.strip()
    campaign.version += 1
    campaign.full_clean()
    campaign.save()
    campaign.orgs.set(orgs)
    after = _campaign_snapshot(campaign)
    version = version_append(ledger=LedgerVersion.Ledger.CAMPAIGN, record=campaign, actor=actor, action="修改",
                             data=after, before=before)
    audit_record(actor=actor, action="prevention.campaign_update", target=campaign,
                 data={"number": campaign.number, "version": campaign.version, "changed": list(version.changes)})
    return campaign




# --- 纠纷 ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeInput:
    source: str
    field_id: int
    summary: str
    parties: str
    person_times: int
    amount: Decimal
    locality_id: int
    risk_level: str
    responsible_org_id: int
    responsible_person: str
    found_on: date
    deadline: date | None = None
    measures: str = ""
    campaign_id: int | None = None
    petition_numbers: tuple[str, ...] = field(default_factory=tuple)
    batch: str = ""  # 批次名称: the same for every dispute of one collective matter; empty: a batch of its own


BATCH_TITLE_MAX = DisputeBatch._meta.get_field("title").max_length


def _batch_clean(title: str, *, actor: User, errors: dict[str, str]) -> DisputeBatch | None:
    """The batch named, if it exists (it must be one the actor sees); None for no batch or a new one."""
    from xinfang.prevention.selectors import batches_visible_to

    title = title.strip()
    if not title:
        return None
    if len(title) > BATCH_TITLE_MAX:
        errors["batch"] = f"批次名称不能超过{BATCH_TITLE_MAX}字"
        return None
    batch = DisputeBatch.objects.filter(title=title).first()
    if batch is not None and not batches_visible_to(user=actor).filter(pk=batch.pk).exists():
        # Joining another unit's batch would add to a collective matter the actor cannot see.
        errors["batch"] = f"批次“{title}”已由其他单位登记，不在本单位范围内，请换一个批次名称"
    return batch


def _batch_open(*, title: str, actor: User, year: int, org: Org) -> DisputeBatch:
    """A new 纠纷批次, opened by the first dispute recorded under its title."""
    batch = DisputeBatch(number=next_number(series="dispute_batch", mark="批次", year=year), title=title.strip(),
                         org=org, recorded_by=actor)
    batch.full_clean()
    batch.save()
    version_append(ledger=LedgerVersion.Ledger.DISPUTE_BATCH, record=batch, actor=actor, action="登记",
                   data=snapshot(batch, fields=("number", "title", "org")))
    audit_record(actor=actor, action="prevention.dispute_batch_create", target=batch,
                 data={"number": batch.number, "title": batch.title, "org": org.pk})
    return batch


def _dispute_clean(*, data: DisputeInput, actor: User) -> dict:
    """The validated values of a dispute (or a ValidationError naming every field that is wrong)."""
    errors: dict[str, str] = {}
    values: dict = {}
    if data.source not in Dispute.Source.values:
        errors["source"] = "请选择来源"
    values["field"] = DisputeField.objects.filter(pk=data.field_id, is_active=True).first()
    if values["field"] is None:
        errors["field"] = "请选择纠纷领域"
    for name, label in (("summary", "纠纷概况"), ("parties", "当事人"), ("responsible_person", "责任人")):
        if not str(getattr(data, name) or "").strip():
            errors[name] = f"请填写{label}"
    if not isinstance(data.person_times, int) or data.person_times < 1:
        errors["person_times"] = "涉及人次应为不小于1的整数"
    if not isinstance(data.amount, Decimal) or data.amount < 0 or data.amount != data.amount.quantize(
            Decimal("0.01")) or data.amount > MAX_AMOUNT:
        errors["amount"] = "涉及金额应为不小于0、最多两位小数的数（万元）"
    locality = Org.objects.filter(pk=data.locality_id, is_active=True).first()
    if locality is None or locality.kind not in LOCALITY_KINDS:
        errors["locality"] = "属地应为镇街或村（社区）"
    elif not in_scope(actor, locality.pk):
        errors["locality"] = f"{locality.name}不在本单位范围内"
    values["locality"] = locality
    values["responsible_org"] = Org.objects.filter(pk=data.responsible_org_id, is_active=True).first()
    if values["responsible_org"] is None:
        errors["responsible_org"] = "请选择责任单位"
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = "请选择风险等级（高、中、低）"
    if data.found_on > _today():
        errors["found_on"] = "发现日期不能晚于今天"
    if data.deadline is not None and data.deadline < data.found_on:
        errors["deadline"] = "化解期限不能早于发现日期"
    values["campaign"] = None
    if data.campaign_id:
        from xinfang.prevention.selectors import campaigns_visible_to

        values["campaign"] = campaigns_visible_to(user=actor).filter(pk=data.campaign_id).first()
        if values["campaign"] is None:
            errors["campaign"] = "排查活动不存在或不在本单位范围内"
        elif data.found_on < values["campaign"].started_on:
            errors["found_on"] = "排查发现的纠纷，发现日期不能早于排查开始日期"
    if data.source == Dispute.Source.CAMPAIGN and not data.campaign_id and "campaign" not in errors:
        errors["campaign"] = "来源为排查发现的，请选择排查活动"
    values["batch"] = _batch_clean(data.batch, actor=actor, errors=errors)
    try:
        values["petitions"] = petitions_by_number(user=actor, numbers=data.petition_numbers)
    except ValidationError as error:
        errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def _dispute_snapshot(dispute: Dispute) -> dict:
    # Only the petitions anyone may be shown would be safe here; the history lists none (the links are
    # shown live, filtered per reader, on the detail page).
    return snapshot(dispute, fields=DISPUTE_FIELDS)


def _apply(dispute: Dispute, data: DisputeInput, values: dict, *, actor: User) -> None:
    batch = values["batch"]
    if batch is None and data.batch.strip():
        batch = _batch_open(title=data.batch, actor=actor, year=data.found_on.year,
                            org=actor.org or values["locality"])
    dispute.batch = batch
    dispute.campaign, dispute.source, dispute.field = values["campaign"], data.source, values["field"]
    dispute.summary, dispute.parties = data.summary.strip(), data.parties.strip()
    dispute.person_times, dispute.amount = data.person_times, data.amount
    dispute.locality, dispute.risk_level = values["locality"], data.risk_level
    dispute.responsible_org, dispute.responsible_person = values["responsible_org"], data.responsible_person.strip()
    dispute.found_on, dispute.deadline, dispute.measures = data.found_on, data.deadline, data.measures.strip()


def _link_petitions(dispute: Dispute, petitions, *, actor: User) -> dict[str, list[int]]:
    """Set the links the actor can see to `petitions`; links to petitions hidden from the actor stay (Art 30).

    Returns the petition ids linked and unlinked, for the audit event (the history shows no petition numbers).
    """
    active = DisputePetition.objects.filter(dispute=dispute, unlinked_at__isnull=True)
    visible = petitions_visible_to(user=actor).values("pk")
    wanted = {petition.pk for petition in petitions}
    dropped = active.filter(petition__in=visible).exclude(petition_id__in=wanted)
    unlinked = list(dropped.values_list("petition_id", flat=True))
    dropped.update(unlinked_at=timezone.now(), unlinked_by=actor)
    have = set(active.values_list("petition_id", flat=True))
    added = [petition for petition in petitions if petition.pk not in have]
    DisputePetition.objects.bulk_create([DisputePetition(dispute=dispute, petition=petition, linked_by=actor)
                                         for petition in added])
    return {"linked": [petition.pk for petition in added], "unlinked": unlinked}


@transaction.atomic
def dispute_create(*, data: DisputeInput, actor: User) -> Dispute:
    """Record a dispute found by a 排查 or reported by a grid member, a hotline …"""
    require_recorder(actor, action="登记矛盾纠纷")
    values = _dispute_clean(data=data, actor=actor)
    dispute = Dispute(number=next_number(series="dispute", mark="纠纷", year=data.found_on.year),
                      recorded_by=actor, recording_org=actor.org or values["locality"])
    _apply(dispute, data, values, actor=actor)
    dispute.full_clean()
    dispute.save()
    links = _link_petitions(dispute, values["petitions"], actor=actor)
    version_append(ledger=LedgerVersion.Ledger.DISPUTE, record=dispute, actor=actor, action="登记",
                   data=_dispute_snapshot(dispute))
    audit_record(actor=actor, action="prevention.dispute_create", target=dispute, data=_audit(dispute, **links))
    return dispute


def _audit(dispute: Dispute, **extra) -> dict:
    return {"number": dispute.number, "version": dispute.version, "status": dispute.status,
            "locality": dispute.locality_id, "amount": str(dispute.amount), "person_times": dispute.person_times,
            **extra}


def _locked(*, dispute_id: int, actor: User) -> Dispute:
    from xinfang.prevention.selectors import disputes_visible_to

    dispute = disputes_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=dispute_id).first()
    if dispute is None:
        raise PermissionDenied("纠纷不存在或不在本单位范围内")
    return dispute


@transaction.atomic
def dispute_update(*, dispute_id: int, data: DisputeInput, actor: User, expected_version: int | None = None,
                   note: str = "") -> Dispute:
    """Change a dispute's facts; the previous version stays in its history. A verified one only by the reviewer."""
    require_recorder(actor, action="修改矛盾纠纷")
    dispute = _locked(dispute_id=dispute_id, actor=actor)
    check_version(dispute, expected_version)
    if dispute.status in (Dispute.Status.SETTLED, Dispute.Status.UNSETTLED) and not is_office_reviewer(actor):
        raise PermissionDenied(f"{dispute.number}已核实{dispute.get_status_display()}，只有信访部门审核员可以更正")
    if dispute.status == Dispute.Status.REPORTED:
        raise ValidationError(f"{dispute.number}的化解情况待核实，核实或退回后才能修改")
    before = _dispute_snapshot(dispute)
    values = _dispute_clean(data=data, actor=actor)
    _apply(dispute, data, values, actor=actor)
    dispute.version += 1
    dispute.full_clean()
    dispute.save()
    links = _link_petitions(dispute, values["petitions"], actor=actor)
    version = version_append(ledger=LedgerVersion.Ledger.DISPUTE, record=dispute, actor=actor, action="修改",
                             data=_dispute_snapshot(dispute), before=before, note=note.strip())
    audit_record(actor=actor, action="prevention.dispute_update", target=dispute,
                 data=_audit(dispute, changed=list(version.changes), **links))
    return dispute


@dataclass(frozen=True)
class SettlementInput:
    outcome: str  # Dispute.Outcome
    settled_on: date | None = None
    method: str = ""
    note: str = ""
    unsettled_reason: str = ""


def _settlement_clean(dispute: Dispute, data: SettlementInput) -> None:
    errors: dict[str, str] = {}
    if data.outcome == Dispute.Outcome.SETTLED:
        if data.settled_on is None:
            errors["settled_on"] = "已化解的，请填写化解日期"
        elif data.settled_on < dispute.found_on:
            errors["settled_on"] = "化解日期不能早于发现日期"
        elif data.settled_on > _today():
            errors["settled_on"] = "化解日期不能晚于今天"
        if data.method not in Dispute.Method.values:
            errors["method"] = "已化解的，请选择化解方式"
    elif data.outcome == Dispute.Outcome.UNSETTLED:
        if not data.unsettled_reason.strip():
            errors["unsettled_reason"] = "未化解的，请说明原因"
    else:
        errors["outcome"] = "请选择化解情况（已化解或未化解）"
    if errors:
        raise ValidationError(errors)


def _set_settlement(dispute: Dispute, data: SettlementInput) -> None:
    settled = data.outcome == Dispute.Outcome.SETTLED
    dispute.outcome = data.outcome
    dispute.settled_on = data.settled_on if settled else None
    dispute.method = data.method if settled else ""
    dispute.settlement_note = data.note.strip()
    dispute.unsettled_reason = "" if settled else data.unsettled_reason.strip()


@transaction.atomic
def dispute_report_settlement(*, dispute_id: int, data: SettlementInput, actor: User) -> Dispute:
    """The unit reports the dispute settled (date, way) or not (why); the office's reviewer then verifies."""
    require_recorder(actor, action="报告化解情况")
    dispute = _locked(dispute_id=dispute_id, actor=actor)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(f"{dispute.number}当前为“{dispute.get_status_display()}”，不能报告化解情况")
    _settlement_clean(dispute, data)
    before = _dispute_snapshot(dispute)
    _set_settlement(dispute, data)
    dispute.status, dispute.reported_by, dispute.return_reason = Dispute.Status.REPORTED, actor, ""
    dispute.version += 1
    dispute.full_clean()
    dispute.save()
    version_append(ledger=LedgerVersion.Ledger.DISPUTE, record=dispute, actor=actor, action="报告化解情况",
                   data=_dispute_snapshot(dispute), before=before)
    audit_record(actor=actor, action="prevention.dispute_report", target=dispute,
                 data=_audit(dispute, outcome=dispute.outcome))
    return dispute


@transaction.atomic
def dispute_verify(*, dispute_id: int, approve: bool, actor: User, reason: str = "",
                   verified_on: date | None = None) -> Dispute:
    """The office's reviewer confirms the reported settlement (已化解 / 未化解) or returns it with the reason."""
    require_office_reviewer(actor, action="核实化解情况")
    dispute = _locked(dispute_id=dispute_id, actor=actor)
    if dispute.status != Dispute.Status.REPORTED:
        raise ValidationError(f"{dispute.number}当前为“{dispute.get_status_display()}”，没有待核实的化解情况")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "退回的，请填写退回理由"})
    before = _dispute_snapshot(dispute)
    if approve:
        dispute.status = Dispute.Status(dispute.outcome)
        dispute.verified_by, dispute.verified_on = actor, verified_on or _today()
    else:
        dispute.status, dispute.return_reason = Dispute.Status.OPEN, reason.strip()
        dispute.verified_by, dispute.verified_on = None, None
    dispute.version += 1
    dispute.full_clean()
    dispute.save()
    version_append(ledger=LedgerVersion.Ledger.DISPUTE, record=dispute, actor=actor,
                   action="核实化解情况" if approve else "退回化解情况", data=_dispute_snapshot(dispute),
                   before=before, note=reason.strip())
    audit_record(actor=actor, action="prevention.dispute_verify" if approve else "prevention.dispute_return",
                 target=dispute, data=_audit(dispute, reason=reason.strip()))
    return dispute
