"""质量评查 records: one evaluation of one case against one checklist, with a row per item. Append-only.

An evaluation is never changed once saved; a re-evaluation is a new row that names the one it supersedes
(`supersedes`), so both are kept and only the latest (`superseded_by` empty) counts.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition

IMMUTABLE = "评查结果保存后不能修改或删除；如需更正，请重新评查"


class AppendOnly(models.Model):
    """A row that is written once: a saved evaluation is evidence of what the reviewer found on that day."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(IMMUTABLE)


class QualityEvaluation(AppendOnly):
    petition = models.ForeignKey(Petition, verbose_name="信访事项", on_delete=models.PROTECT,
                                 related_name="quality_evaluations")
    checklist = models.CharField("评查表", max_length=30)  # a key of the configuration (config.Checklist)
    checklist_name = models.CharField("评查表名称", max_length=50)  # as it was named when evaluated
    # The unit evaluated: the matter's 责任单位 at the time, or the office that kept it (未转送).
    unit = models.ForeignKey(Org, verbose_name="被评查单位", on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评查人", on_delete=models.PROTECT,
                                  related_name="+")
    evaluator_org = models.ForeignKey(Org, verbose_name="评查机构", on_delete=models.PROTECT, related_name="+")
    evaluated_on = models.DateField("评查日期")  # statistics count an evaluation in the period of this day
    points_earned = models.PositiveIntegerField("得分")
    points_possible = models.PositiveIntegerField("满分")
    score = models.DecimalField("得分率（%）", max_digits=5, decimal_places=2)
    grade = models.CharField("等次", max_length=20)
    failed = models.BooleanField("不合格", default=False)  # the configuration's failing grade
    comment = models.TextField("评查意见", blank=True)
    supersedes = models.OneToOneField("self", verbose_name="取代的评查", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "质量评查"
        verbose_name_plural = "质量评查"
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(points_possible__gte=1), name="quality_points_possible_positive"),
            models.CheckConstraint(condition=Q(points_earned__lte=F("points_possible")),
                                   name="quality_points_earned_within_possible"),
        ]
        indexes = [models.Index(fields=["evaluated_on", "unit"], name="quality_period_unit_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.checklist} {self.score}%"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by")


class ItemScore(AppendOnly):
    class Source(models.TextChoices):
        MANUAL = "manual", "人工评分"
        AUTO_CONFIRMED = "auto_confirmed", "确认系统建议"
        AUTO_OVERRIDDEN = "auto_overridden", "改变系统建议"

    evaluation = models.ForeignKey(QualityEvaluation, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField("顺序")
    key = models.CharField("评查项目", max_length=50)
    text = models.CharField("评查内容", max_length=200)  # as the checklist said when evaluated
    points = models.PositiveIntegerField("分值")
    earned = models.PositiveIntegerField("得分")
    source = models.CharField("评分方式", max_length=20, choices=Source.choices)
    auto_suggested = models.PositiveIntegerField("系统建议得分", null=True, blank=True)
    auto_reason = models.CharField("系统依据", max_length=300, blank=True)
    note = models.TextField("扣分说明", blank=True)

    class Meta:
        verbose_name = "评查项目得分"
        verbose_name_plural = "评查项目得分"
        ordering = ["evaluation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="quality_item_once_per_evaluation"),
            models.CheckConstraint(condition=Q(earned__lte=F("points")), name="quality_item_earned_within_points"),
            # A score below full points says why.
            models.CheckConstraint(condition=Q(earned=F("points")) | ~Q(note=""), name="quality_item_note_when_not_full"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.earned}/{self.points}"

    @property
    def level(self) -> str:
        """满分 / 部分得分 / 不得分."""
        if self.earned == self.points:
            return "满分"
        return "不得分" if self.earned == 0 else "部分得分"
