"""普法宣传 records: activities (with the materials they hand out), the materials' stock, training sessions, law exams.

Each record has a number, a version and an append-only history (prevention.history's LedgerVersion rows, with the
ledger values below). The forms of activity and the kinds of material are editable lists (the admin).
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.prevention.history import LedgerRecord
from xinfang.prevention.lists import _ListEntry

HISTORY_ACTIVITY = "pub_activity"
HISTORY_TRAINING = "pub_training"
HISTORY_EXAM = "pub_exam"
HISTORY_RECEIPT = "pub_receipt"


class ActivityForm(_ListEntry):
    """宣传形式 (宣讲, 集中宣传, 进村入户, 网络宣传 …)."""

    class Meta(_ListEntry.Meta):
        verbose_name = "宣传形式"
        verbose_name_plural = "宣传形式"


class MaterialKind(_ListEntry):
    """宣传资料种类 (《信访工作条例》单行本, 宣传折页 …); its stock is received − handed out."""

    unit = models.CharField("单位", max_length=10, default="份")

    class Meta(_ListEntry.Meta):
        verbose_name = "宣传资料种类"
        verbose_name_plural = "宣传资料种类"


class MaterialReceipt(models.Model):
    """Stock received (印制、上级下发) of one kind of material."""

    kind = models.ForeignKey(MaterialKind, verbose_name="资料种类", on_delete=models.PROTECT, related_name="receipts")
    org = models.ForeignKey(Org, verbose_name="入库单位", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("入库日期")
    quantity = models.PositiveIntegerField("数量")
    source = models.CharField("来源", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "宣传资料入库"
        verbose_name_plural = "宣传资料入库"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} +{self.quantity}"


class PublicityActivity(LedgerRecord):
    held_on = models.DateField("日期")
    form = models.ForeignKey(ActivityForm, verbose_name="宣传形式", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("主题", max_length=200, help_text="如：《信访工作条例》")
    place = models.CharField("地点", max_length=200)
    organiser = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField("对象", max_length=200, blank=True)
    person_times = models.PositiveIntegerField("覆盖人次")
    note = models.TextField("情况", blank=True)

    class Meta:
        verbose_name = "普法宣传活动"
        verbose_name_plural = "普法宣传活动"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.topic}"


class ActivityMaterial(models.Model):
    """One line of an activity: a kind of material and how many were handed out (drawn from the stock)."""

    activity = models.ForeignKey(PublicityActivity, on_delete=models.CASCADE, related_name="materials")
    kind = models.ForeignKey(MaterialKind, verbose_name="资料种类", on_delete=models.PROTECT, related_name="handouts")
    quantity = models.PositiveIntegerField("发放数量")

    class Meta:
        verbose_name = "发放资料"
        verbose_name_plural = "发放资料"
        ordering = ["activity", "kind__order", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["activity", "kind"], name="publicity_material_line_unique")]

    @property
    def number(self) -> str:  # the drill-down names a line by its activity
        return self.activity.number

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"


class TrainingSession(LedgerRecord):
    held_on = models.DateField("日期")
    topic = models.CharField("培训主题", max_length=200)
    trainer = models.CharField("授课人", max_length=100)
    organiser = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    attendees = models.PositiveIntegerField("参训人数")
    attendee_users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参训人员", blank=True,
                                            related_name="+")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.topic}"


class LawExam(LedgerRecord):
    held_on = models.DateField("日期")
    title = models.CharField("考试名称", max_length=200)
    organiser = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    invited = models.PositiveIntegerField("应考人数")
    participants = models.PositiveIntegerField("参考人数")
    passes = models.PositiveIntegerField("通过人数")

    class Meta:
        verbose_name = "学法考试"
        verbose_name_plural = "学法考试"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(passes__lte=models.F("participants"))
                                   & models.Q(participants__lte=models.F("invited")), name="publicity_exam_counts"),
        ]
