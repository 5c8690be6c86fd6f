"""约谈 and 限期整改 (a unit's rectification under supervision), and 通报 (circulars naming units and cases).

A 约谈 (accountability interview) and a 限期整改 (rectification order) are one record with a kind: both are
issued by a petition office to a unit, and both end the same way — the unit reports its rectification by a due
date, the office checks it (验收) and closes. Their history (reports, follow-ups, checks) is append-only
(RectificationEntry). Writes: services_accountability / services_circulars; reads: selectors_accountability.
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.supervision.records import RecordStatus, _Record

__all__ = ["Circular", "Rectification", "RectificationEntry"]


class Rectification(_Record):
    """A 约谈 or a 限期整改: the unit reports its rectification (整改情况报告) by the due date."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "约谈"
        ORDER = "order", "限期整改"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    subject = models.CharField("事由", max_length=200)
    content = models.TextField("约谈事由或整改事项")
    interviewees = models.TextField("约谈对象（姓名、职务）", blank=True)
    held_on = models.DateField("约谈日期", null=True, blank=True)
    requirements = models.TextField("整改要求", blank=True)
    petitions = models.ManyToManyField("petitions.Petition", verbose_name="相关信访事项", blank=True,
                                       related_name="rectifications")

    class Meta:
        verbose_name = "约谈与限期整改"
        verbose_name_plural = "约谈与限期整改"
        ordering = ["-issued_on", "-id"]
        constraints = [
            # 约谈 and 限期整改 are numbered in two series (清溪信约〔2026〕1号, 清溪信改〔2026〕1号).
            models.UniqueConstraint(fields=["office", "kind", "year", "sequence"],
                                    name="rectification_number_per_office_kind_year"),
            models.CheckConstraint(
                condition=models.Q(kind="interview", held_on__isnull=False)
                | models.Q(kind="order", held_on__isnull=True, interviewees=""),
                name="rectification_interview_fields_only_for_interviews",
            ),
        ]
        indexes = [
            models.Index(fields=["target_org", "status", "due_on"], name="rectification_target_idx"),
            models.Index(fields=["office", "status", "due_on"], name="rectification_office_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def title(self) -> str:
        return self.get_kind_display()

    def last_check(self) -> "RectificationEntry | None":
        """The latest 验收 (None before any)."""
        return self.entries.filter(kind=RectificationEntry.Kind.CHECK).order_by("-id").first()

    def may_close(self) -> bool:
        """Reported, and for an order checked and passed (a 约谈 may close on the report)."""
        if self.status != RecordStatus.ANSWERED:
            return False
        if self.kind == self.Kind.INTERVIEW:
            return True
        check = self.last_check()
        return check is not None and check.passed is True


class RectificationEntry(models.Model):
    """One step of a rectification: the unit's report, a supervisor's follow-up note, or a check (验收)."""

    class Kind(models.TextChoices):
        REPORT = "report", "整改情况报告"
        FOLLOW_UP = "follow_up", "跟踪督促"
        CHECK = "check", "验收"

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    text = models.TextField("内容")
    passed = models.BooleanField("验收通过", null=True, blank=True)
    # A check not passed sets a new due date; the one it replaced stays here.
    due_on_before = models.DateField("原整改期限", null=True, blank=True)
    due_on_after = models.DateField("新整改期限", null=True, blank=True)
    noted_on = models.DateField("日期")
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["rectification_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="check", passed__isnull=False) | models.Q(~models.Q(kind="check"),
                                                                                  passed__isnull=True),
                name="rectification_entry_passed_only_for_checks",
            ),
        ]


class Circular(models.Model):
    """A 通报: criticism or commendation of units, in the office's name; issued ones never change.

    A correction is a new circular that revokes the old one (`revokes`): when it is issued the old one becomes
    REVOKED (已撤销) and both stay on file.
    """

    class Kind(models.TextChoices):
        CRITICISM = "criticism", "通报批评"
        COMMENDATION = "commendation", "通报表扬"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"
        REVOKED = "revoked", "已撤销"

    office = models.ForeignKey(Org, verbose_name="印发机关", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=15, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    units = models.ManyToManyField(Org, verbose_name="通报单位", related_name="+")
    petitions = models.ManyToManyField("petitions.Petition", verbose_name="涉及信访事项", blank=True,
                                       related_name="circulars")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Numbered when issued (a draft has no number yet): 清溪信通〔2026〕1号.
    number = models.CharField("编号", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    sequence = models.PositiveIntegerField("序号", null=True, blank=True)
    revokes = models.OneToOneField("self", verbose_name="撤销的通报", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="revoked_by")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT,
                                   related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("印发日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""), name="circular_number_unique"),
            models.UniqueConstraint(fields=["office", "year", "sequence"], name="circular_number_per_office_year"),
            models.CheckConstraint(
                condition=models.Q(status="draft", number="", issued_on__isnull=True)
                | (~models.Q(status="draft") & ~models.Q(number="") & models.Q(issued_on__isnull=False)),
                name="circular_numbered_once_issued",
            ),
        ]
        indexes = [models.Index(fields=["office", "status", "issued_on"], name="circular_office_idx")]

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
