"""A report (法治政府建设年度报告, 第四十一条年度报告, 月度/季度信访形势分析) of an office for a period.

The figures are a generated snapshot (JSON: each figure's key, value, definition, period rule and drill-down),
replaced when the report is regenerated; the narrative paragraphs are append-only versions by section (the
newest is the current one) and survive every regeneration. No number in the report is typed by hand.
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org


class Report(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "法治政府建设年度报告"
        ART41 = "art41", "信访工作年度报告（第四十一条）"
        MONTHLY = "monthly", "月度信访形势分析"
        QUARTERLY = "quarterly", "季度信访形势分析"

    kind = models.CharField("报告类型", max_length=12, choices=Kind.choices)
    office = models.ForeignKey(Org, verbose_name="报告单位", on_delete=models.PROTECT, related_name="reports")
    start = models.DateField("期间起")
    end = models.DateField("期间止")
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("数据快照", default=dict)  # key → {value, definition, period_rule, url, …}
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告"
        verbose_name_plural = "报告"
        ordering = ["-end", "kind", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "office", "start", "end"], name="report_unique_period")]

    def __str__(self) -> str:
        return self.title


class ReportNarrative(models.Model):
    """One version of one section's narrative paragraph; never updated, the newest per section is current."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narratives")
    section = models.CharField("章节", max_length=40)
    text = models.TextField("文字", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撰写人", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告文字段落"
        verbose_name_plural = "报告文字段落"
        ordering = ["report", "section", "-id"]
        indexes = [models.Index(fields=["report", "section", "-id"])]
