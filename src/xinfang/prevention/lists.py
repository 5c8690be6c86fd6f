"""The editable lists of the prevention ledgers (纠纷领域, 排查类型, 评估类别): data an office maintains, not code.

Seeded from ../shared/data/categories.md by migration 0002; an administrator adds, renames or retires entries
in the admin. A retired entry (is_active false) stays on the records that use it and in their figures.
"""

from django.db import models


class _ListEntry(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeField(_ListEntry):
    """纠纷领域 (欠薪/双拖欠, 房地产, 征地拆迁 …)."""

    class Meta(_ListEntry.Meta):
        verbose_name = "纠纷领域"
        verbose_name_plural = "纠纷领域"


class CampaignKind(_ListEntry):
    """排查类型 (全县大排查, 专项排查 …)."""

    class Meta(_ListEntry.Meta):
        verbose_name = "排查类型"
        verbose_name_plural = "排查类型"


class AssessmentKind(_ListEntry):
    """社会稳定风险评估类别 (工程项目类, 政策制定类, 其他类)."""

    class Meta(_ListEntry.Meta):
        verbose_name = "评估类别"
        verbose_name_plural = "评估类别"
