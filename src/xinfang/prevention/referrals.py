"""访调对接 and 导入诉讼: matters referred to mediation or arbitration (人民调解, 法院诉前调解, 行政调解, 劳动人事争议仲裁,
商事仲裁) with their outcome, amounts and dates; and the batches of matters guided into litigation (导入诉讼 N 批,
N 件, 万元).

Writes go through services_referrals (one transaction, audited, a LedgerVersion each: ledgers "referral" and
"litigation"); reads through selectors_referrals. docs/PREVENTION.md (访调对接和导入诉讼) describes the ledgers.
"""

from decimal import Decimal

from django.db import models

from xinfang.orgs.models import Org
from xinfang.prevention.history import LedgerRecord

REFERRAL_LEDGER = "referral"  # LedgerVersion.ledger of a Referral
LITIGATION_LEDGER = "litigation"  # LedgerVersion.ledger of a LitigationBatch
ZERO = Decimal("0.00")


class Referral(LedgerRecord):
    """One matter handed to a mediation or arbitration body (访调对接), and what came of it."""

    class Path(models.TextChoices):
        PEOPLES_MEDIATION = "peoples_mediation", "人民调解"
        COURT_MEDIATION = "court_mediation", "法院诉前调解"
        ADMINISTRATIVE_MEDIATION = "administrative_mediation", "行政调解"
        LABOUR_ARBITRATION = "labour_arbitration", "劳动人事争议仲裁"
        COMMERCIAL_ARBITRATION = "commercial_arbitration", "商事仲裁"

    class Outcome(models.TextChoices):
        PENDING = "pending", "进行中"
        MEDIATED = "mediated", "调解成功"
        FAILED = "failed", "调解不成"
        WITHDRAWN = "withdrawn", "撤回"

    summary = models.CharField("事项概况", max_length=300)
    petition = models.ForeignKey("petitions.Petition", verbose_name="信访件", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    dispute = models.ForeignKey("prevention.Dispute", verbose_name="矛盾纠纷", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="referrals")
    path = models.CharField("对接渠道", max_length=30, choices=Path.choices)
    receiving_body = models.CharField("接收机构", max_length=100, help_text="如区人民法院诉调对接中心")
    responsible_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField("移交日期")
    person_times = models.PositiveIntegerField("当事人人次", default=1)
    amount_involved = models.DecimalField("涉及金额（万元）", max_digits=12, decimal_places=2, default=ZERO)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    amount_recovered = models.DecimalField("到位金额（万元）", max_digits=12, decimal_places=2, default=ZERO,
                                           help_text="调解成功后兑现、追回的金额")
    note = models.TextField("备注", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "访调对接"
        verbose_name_plural = "访调对接"
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome="pending") | models.Q(outcome_on__isnull=False),
                                   name="prevention_referral_outcome_has_date"),
            models.CheckConstraint(condition=models.Q(outcome_on__isnull=True)
                                   | models.Q(outcome_on__gte=models.F("referred_on")),
                                   name="prevention_referral_dates"),
            models.CheckConstraint(condition=models.Q(amount_involved__gte=0, amount_recovered__gte=0)
                                   & models.Q(amount_recovered__lte=models.F("amount_involved")),
                                   name="prevention_referral_amounts"),
        ]
        indexes = [models.Index(fields=["referred_on"], name="prevention_referral_on")]


class LitigationBatch(LedgerRecord):
    """One batch of matters guided into litigation (导入诉讼): counted as 批, its 件, 人次 and 万元."""

    title = models.CharField("批次名称", max_length=200)
    guided_on = models.DateField("导入日期")
    court = models.CharField("受理法院", max_length=100)
    responsible_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    case_count = models.PositiveIntegerField("件数")
    person_times = models.PositiveIntegerField("人次")
    amount = models.DecimalField("涉及金额（万元）", max_digits=12, decimal_places=2, default=ZERO)
    note = models.TextField("备注", blank=True)
    petitions = models.ManyToManyField("petitions.Petition", verbose_name="信访件", blank=True, related_name="+")
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "导入诉讼批次"
        verbose_name_plural = "导入诉讼批次"
        ordering = ["-guided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(case_count__gte=1, amount__gte=0),
                                   name="prevention_litigation_counts"),
        ]
        indexes = [models.Index(fields=["guided_on"], name="prevention_litigation_on")]
