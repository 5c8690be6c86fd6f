"""矛盾纠纷排查化解: screening campaigns (排查) and the disputes (纠纷) they find or that are reported.

Writes go through services_disputes (one transaction, audited, a LedgerVersion each); reads through selectors.
docs/PREVENTION.md describes the ledger, its roles and its figures.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from xinfang.orgs.models import Org
from xinfang.prevention.history import LedgerRecord
from xinfang.prevention.lists import CampaignKind, DisputeField


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class ScreeningCampaign(LedgerRecord):
    """One 排查: who organised it, when, over which orgs (全县大排查 covers the county, 专项排查 a field)."""

    title = models.CharField("排查名称", max_length=200)
    kind = models.ForeignKey(CampaignKind, verbose_name="排查类型", on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    scope = models.CharField("排查范围", max_length=200, blank=True)
    orgs = models.ManyToManyField(Org, verbose_name="覆盖单位", related_name="+", blank=True)
    note = models.TextField("排查情况", blank=True)

    class Meta:
        verbose_name = "矛盾纠纷排查"
        verbose_name_plural = "矛盾纠纷排查"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="prevention_campaign_dates"),
        ]


class DisputeBatch(LedgerRecord):
    """纠纷批次: the disputes of one collective matter (e.g. 同一楼盘业主集体反映), counted once as 批次.

    Named by its title (unique); a dispute recorded with a new title opens the batch. A dispute without a batch is
    a 批次 of its own (indicators: prevention_dispute_batches).
    """

    title = models.CharField("批次名称", max_length=100, unique=True)
    org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "纠纷批次"
        verbose_name_plural = "纠纷批次"
        ordering = ["-id"]


class Dispute(LedgerRecord):
    """One 矛盾纠纷 on the ledger, from finding to 化解 (settled, verified by the petition office)."""

    class Source(models.TextChoices):
        CAMPAIGN = "campaign", "排查发现"
        GRID = "grid", "网格员上报"
        HOTLINE = "hotline", "热线反映"
        PETITION = "petition", "信访反映"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "化解中"
        REPORTED = "reported", "待核实"
        SETTLED = "settled", "已化解"
        UNSETTLED = "unsettled", "未化解"

    class Outcome(models.TextChoices):
        SETTLED = "settled", "已化解"
        UNSETTLED = "unsettled", "未化解"

    class Method(models.TextChoices):
        MEDIATION = "mediation", "调解"
        NEGOTIATION = "negotiation", "协商"
        ADMINISTRATIVE = "administrative", "行政处理"
        JUDICIAL = "judicial", "司法途径"
        ARBITRATION = "arbitration", "仲裁"
        OTHER = "other", "其他"

    campaign = models.ForeignKey(ScreeningCampaign, verbose_name="排查活动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="disputes")
    batch = models.ForeignKey(DisputeBatch, verbose_name="批次", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="disputes")
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    field = models.ForeignKey(DisputeField, verbose_name="纠纷领域", on_delete=models.PROTECT, related_name="+")
    summary = models.CharField("纠纷概况", max_length=300)
    parties = models.TextField("当事人")
    person_times = models.PositiveIntegerField("涉及人次", validators=[MinValueValidator(1)])
    # 万元, exact: two decimals, up to 9,999,999,999.99 万元.
    amount = models.DecimalField("涉及金额（万元）", max_digits=12, decimal_places=2, default=Decimal("0.00"),
                                 validators=[MinValueValidator(Decimal("0"))])
    locality = models.ForeignKey(Org, verbose_name="属地", on_delete=models.PROTECT, related_name="+",
                                 help_text="所在镇街或村（社区）")
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    responsible_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    responsible_person = models.CharField("责任人", max_length=50)
    found_on = models.DateField("发现日期")
    deadline = models.DateField("化解期限", null=True, blank=True)
    measures = models.TextField("化解措施", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    # The settlement as reported by the unit and verified by the office's reviewer.
    outcome = models.CharField("化解情况", max_length=10, choices=Outcome.choices, blank=True)
    settled_on = models.DateField("化解日期", null=True, blank=True)
    method = models.CharField("化解方式", max_length=20, choices=Method.choices, blank=True)
    settlement_note = models.TextField("化解情况说明", blank=True)
    unsettled_reason = models.TextField("未化解原因", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField("核实日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(person_times__gte=1), name="prevention_dispute_person_times"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="prevention_dispute_amount"),
            # Settled means a date and a way; a verified settlement cannot lack them.
            models.CheckConstraint(condition=~models.Q(status="settled")
                                   | (models.Q(settled_on__isnull=False) & ~models.Q(method="")),
                                   name="prevention_dispute_settled_has_date_method"),
        ]
        indexes = [
            models.Index(fields=["found_on"], name="prevention_dispute_found"),
            models.Index(fields=["status", "settled_on"], name="prevention_dispute_settled"),
        ]


class DisputePetition(models.Model):
    """A petition about the dispute, linked by someone who could see it (Art 30: shown only to those who can).

    Unlinking keeps the row (unlinked_at, unlinked_by): the ledger's history is append-only.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="petition_links")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    unlinked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    unlinked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "纠纷关联信访件"
        verbose_name_plural = "纠纷关联信访件"
        ordering = ["dispute_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "petition"], condition=models.Q(unlinked_at__isnull=True),
                                    name="prevention_dispute_petition_unique"),
        ]
