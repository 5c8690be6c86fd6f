"""领导接访 / 约访 / 下访: the leaders' reception schedules, the receptions held and the petitions registered there.

Writes go through receptions.services (one transaction, audited, a LedgerVersion each — the prevention ledgers'
history table); reads through receptions.selectors. docs/RECEPTIONS.md describes the ledger, roles and figures.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from xinfang.orgs.models import Org
from xinfang.petitions.models import PetitionStatus
from xinfang.prevention.history import LedgerRecord

# 办结: the handling org's decision stands and nothing is pending (a review or re-review running is not 办结).
FINISHED_STATUSES = (PetitionStatus.REPLIED, PetitionStatus.DELIVERED, PetitionStatus.CLOSED,
                     PetitionStatus.REVIEWED, PetitionStatus.FINAL)


class ReceptionKind(models.TextChoices):
    DAY = "day", "领导接访日"
    APPOINTMENT = "appointment", "约访"
    VISIT_DOWN = "visit_down", "下访"  # 四下基层: the leader goes down to the township or village


class TimeSlot(models.TextChoices):
    MORNING = "morning", "上午"
    AFTERNOON = "afternoon", "下午"
    ALL_DAY = "all_day", "全天"


class ReceptionSchedule(LedgerRecord):
    """One planned reception: which leader, when, where, of which kind, on which topics; published or not."""

    class Status(models.TextChoices):
        PLANNED = "planned", "已安排"
        HELD = "held", "已接访"
        CANCELLED = "cancelled", "已取消"

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT,
                               related_name="+")
    org = models.ForeignKey(Org, verbose_name="领导所在单位", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("层级", max_length=10, choices=Org.Level.choices)
    scheduled_on = models.DateField("接访日期")
    slot = models.CharField("时段", max_length=10, choices=TimeSlot.choices)
    place = models.CharField("接访地点", max_length=200)
    kind = models.CharField("接访方式", max_length=20, choices=ReceptionKind.choices)
    topics = models.CharField("接访主题", max_length=300, blank=True)
    published = models.BooleanField("已公布", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "领导接访安排"
        verbose_name_plural = "领导接访安排"
        ordering = ["-scheduled_on", "-id"]
        indexes = [models.Index(fields=["published", "scheduled_on"], name="receptions_schedule_public")]

    def __str__(self) -> str:
        return f"{self.number} {self.scheduled_on:%Y-%m-%d} {self.get_slot_display()}"


class Reception(LedgerRecord):
    """One reception held (on a schedule or ad hoc): its 批次 and 人次, the leader's instructions, 涉及资金."""

    schedule = models.OneToOneField(ReceptionSchedule, verbose_name="接访安排", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reception")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT,
                               related_name="+")
    org = models.ForeignKey(Org, verbose_name="领导所在单位", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("层级", max_length=10, choices=Org.Level.choices)
    received_on = models.DateField("接访日期")
    place = models.CharField("接访地点", max_length=200)
    kind = models.CharField("接访方式", max_length=20, choices=ReceptionKind.choices)
    batches = models.PositiveIntegerField("批次", default=0)
    person_times = models.PositiveIntegerField("人次", default=0)
    # 万元, exact: two decimals (the prevention ledgers' convention).
    amount = models.DecimalField("涉及资金（万元）", max_digits=12, decimal_places=2, default=Decimal("0.00"),
                                 validators=[MinValueValidator(Decimal("0"))])
    summary = models.TextField("接访情况", blank=True)
    instructions = models.TextField("领导批示/要求", blank=True)
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "领导接访"
        verbose_name_plural = "领导接访"
        ordering = ["-received_on", "-id"]
        constraints = [
            # Each 批次 is at least one person.
            models.CheckConstraint(condition=models.Q(person_times__gte=models.F("batches")),
                                   name="receptions_person_times_cover_batches"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="receptions_amount"),
        ]
        indexes = [models.Index(fields=["received_on"], name="receptions_received")]

    def __str__(self) -> str:
        return f"{self.number} {self.received_on:%Y-%m-%d}"


class ReceptionPetition(models.Model):
    """A petition registered at (or brought to) a reception, with the leader's instruction on it.

    Shown only to readers who may see the petition (Art 30). Unlinking keeps the row: the ledger is append-only.
    """

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="petition_links")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="+")
    instruction = models.TextField("领导批示", blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    unlinked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    unlinked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接访关联信访件"
        verbose_name_plural = "接访关联信访件"
        ordering = ["reception_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reception", "petition"], condition=models.Q(unlinked_at__isnull=True),
                                    name="receptions_petition_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The drill-down lists a link by its petition's number (the reader may see it: Art 30)."""
        return self.petition.number

    @property
    def finished(self) -> bool:
        return self.petition.status in FINISHED_STATUSES
