"""The history of every ledger record: one append-only row per version (created, edited, settled, reviewed …).

One table for all the prevention ledgers (the later 积案/包案 and 访调对接 ledgers add their own `ledger` values):
each row keeps the whole record as it stood after the change (`data`, display values in Chinese) and what
changed (`changes`: field label → [before, after]). Rows are only ever inserted (services.history_append).
"""

from django.conf import settings
from django.db import models


class LedgerVersion(models.Model):
    class Ledger(models.TextChoices):
        CAMPAIGN = "campaign", "矛盾纠纷排查"
        DISPUTE = "dispute", "矛盾纠纷"
        DECISION = "decision", "重大决策事项"
        ASSESSMENT = "assessment", "社会稳定风险评估"
        # The other ledgers keep their history here too (one table, one way of showing it):
        BACKLOG = "backlog", "积案"
        PROBLEM = "problem", "群众信访问题清单"
        REFERRAL = "referral", "访调对接"
        LITIGATION = "litigation", "导入诉讼"
        DISPUTE_BATCH = "dispute_batch", "纠纷批次"
        RECEPTION_SCHEDULE = "reception_schedule", "领导接访安排"
        RECEPTION = "reception", "领导接访"
        ORDER_INCIDENT = "order_incident", "违法信访行为"
        PUB_ACTIVITY = "pub_activity", "普法宣传活动"
        PUB_TRAINING = "pub_training", "培训"
        PUB_EXAM = "pub_exam", "法律知识考试"
        PUB_RECEIPT = "pub_receipt", "宣传资料入库"

    ledger = models.CharField("台账", max_length=20, choices=Ledger.choices)
    record_id = models.PositiveBigIntegerField("记录")
    version = models.PositiveIntegerField("版本")
    action = models.CharField("操作", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    data = models.JSONField("记录内容", default=dict)
    changes = models.JSONField("变更", default=dict)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "台账版本"
        verbose_name_plural = "台账版本"
        ordering = ["ledger", "record_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "record_id", "version"], name="prevention_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_ledger_display()} {self.record_id} v{self.version}"


class LedgerRecord(models.Model):
    """What every ledger record has: its number, who recorded it, its version (one LedgerVersion row each)."""

    number = models.CharField("编号", max_length=40, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number} {getattr(self, 'title', '') or getattr(self, 'summary', '')}"


class LedgerSequence(models.Model):
    """The last number used in a year for a series of ledger numbers; the row is locked while taken."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "台账编号序列"
        verbose_name_plural = "台账编号序列"
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="prevention_sequence_unique"),
        ]
