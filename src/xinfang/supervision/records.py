"""督办 records and 三项建议 (Art 40): what a petition office issues to a unit, the unit's answer, the closure.

Every write goes through xinfang.supervision.services_records (one transaction, audited, permissions checked
there); reads through xinfang.supervision.selectors_records. docs/SUPERVISION.md describes both.
"""

from datetime import date

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org

__all__ = ["Recommendation", "RecommendationFollowUp", "RecordSequence", "Supervision"]


class RecordSequence(models.Model):
    """The last number an office used in a year for a series (督办 or 建议); the row is locked while taken."""

    class Series(models.TextChoices):
        SUPERVISION = "supervision", "督办"
        RECOMMENDATION = "recommendation", "建议"
        INSTRUCTION = "instruction", "批示"
        INTERVIEW = "interview", "约谈"
        RECTIFICATION = "rectification", "整改"
        CIRCULAR = "circular", "通报"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20, choices=Series.choices)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "督办编号序列"
        verbose_name_plural = "督办编号序列"
        ordering = ["org_id", "year", "series"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "series"], name="supervision_record_sequence_unique"),
        ]


class RecordStatus(models.TextChoices):
    OPEN = "open", "待回复"
    ANSWERED = "answered", "已回复"
    CLOSED = "closed", "已办结"


class NumberedRecord(models.Model):
    """What every numbered record an organ issues and closes shares (督办, 建议, 约谈/限期整改, 领导批示):
    its number in the organ's yearly series, the due date and its basis, the closure, and the overdue state.

    A subclass names the date that answers it (`answered_field`) and the status of a record still awaiting it.
    """

    answered_field = "responded_on"
    OPEN_STATUS = RecordStatus.OPEN

    number = models.CharField("编号", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    due_basis = models.CharField("期限依据", max_length=200, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closing_note = models.TextField("办结意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def is_overdue(self, today: date) -> bool:
        """Unanswered past the due date (an answer or a closure ends it, however late)."""
        return self.status == self.OPEN_STATUS and self.due_on < today

    def state(self, today: date) -> str:
        """open / overdue / answered / closed, for the list's badge and filter."""
        return "overdue" if self.is_overdue(today) else self.status

    def answered_late(self) -> bool:
        answered_on = getattr(self, self.answered_field)
        return answered_on is not None and answered_on > self.due_on


class _Record(NumberedRecord):
    """What 督办 and 建议 (and 约谈/限期整改) share besides: the issuing office, the unit addressed, the answer."""

    Status = RecordStatus

    office = models.ForeignKey(Org, verbose_name="督办机关", on_delete=models.PROTECT, related_name="+")
    target_org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.OPEN)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT,
                                  related_name="+")
    issued_on = models.DateField("签发日期")
    due_on = models.DateField("回复期限")
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    responded_on = models.DateField("回复日期", null=True, blank=True)

    class Meta:
        abstract = True


class Supervision(_Record):
    """A 督办 on a case (or on a unit): issued by a supervisor of the office, answered by the unit, closed."""

    class Kind(models.TextChoices):
        PHONE = "phone", "电话督办"
        LETTER = "letter", "发函督办"
        ON_SITE = "on_site", "现场督办"
        LISTED = "listed", "挂牌督办"

    class LetterKind(models.TextChoices):
        REMINDER = "reminder", "督办提醒函"
        FORMAL = "formal", "督办函"

    kind = models.CharField("督办方式", max_length=10, choices=Kind.choices)
    letter_kind = models.CharField("函件种类", max_length=10, choices=LetterKind.choices, blank=True)
    petition = models.ForeignKey("petitions.Petition", verbose_name="信访事项", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="supervisions")
    subject = models.CharField("督办事项", max_length=200)
    requirements = models.TextField("督办要求", blank=True)
    response = models.TextField("办理情况", blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "sequence"], name="supervision_number_per_office_year"),
            models.CheckConstraint(
                condition=models.Q(kind="letter", letter_kind__in=["reminder", "formal"])
                | (~models.Q(kind="letter") & models.Q(letter_kind="")),
                name="supervision_letter_kind_only_for_letters",
            ),
        ]
        indexes = [
            models.Index(fields=["target_org", "status", "due_on"], name="supervision_target_idx"),
            models.Index(fields=["office", "status", "due_on"], name="supervision_office_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def title(self) -> str:
        """督办函 / 督办提醒函 for a letter, the kind otherwise."""
        return self.get_letter_kind_display() if self.kind == self.Kind.LETTER else self.get_kind_display()


class Recommendation(_Record):
    """三项建议 (Art 40): improve work, improve policy, pursue accountability; the unit replies on adoption."""

    class Kind(models.TextChoices):
        IMPROVE_WORK = "improve_work", "改进工作建议"
        IMPROVE_POLICY = "improve_policy", "完善政策建议"
        ACCOUNTABILITY = "accountability", "追究责任建议"

    class Adoption(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "不予采纳"

    kind = models.CharField("建议类别", max_length=20, choices=Kind.choices)
    petitions = models.ManyToManyField("petitions.Petition", verbose_name="相关信访事项", blank=True,
                                       related_name="recommendations")
    subject = models.CharField("建议事项", max_length=200)
    content = models.TextField("发现的问题和建议内容")
    adoption = models.CharField("采纳情况", max_length=15, choices=Adoption.choices, blank=True)
    reply = models.TextField("书面答复（采纳情况及理由）", blank=True)

    class Meta:
        verbose_name = "三项建议"
        verbose_name_plural = "三项建议"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "sequence"],
                                    name="recommendation_number_per_office_year"),
        ]
        indexes = [
            models.Index(fields=["target_org", "status", "due_on"], name="recommendation_target_idx"),
            models.Index(fields=["office", "status", "due_on"], name="recommendation_office_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def title(self) -> str:
        return self.get_kind_display()


class RecommendationFollowUp(models.Model):
    """A supervisor's note on how a recommendation is carried out (跟踪落实), after the reply or before."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follow_ups")
    noted_on = models.DateField("日期")
    note = models.TextField("跟踪落实情况")
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "建议跟踪落实"
        verbose_name_plural = "建议跟踪落实"
        ordering = ["recommendation_id", "noted_on", "id"]
