"""Holiday schedules loaded by administrators, and orgs' own rest days and workdays.

The arithmetic lives in `xinfang.workdays` (pure Python); these tables only feed it: years the
`chinese-calendar` package does not know yet, and regional days (e.g. 藏历新年 in Tibet) that apply to
an org's whole subtree.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from xinfang.orgs.models import Org
from xinfang.workdays import Schedule


class HolidaySchedule(models.Model):
    """One version of a year's official schedule, as loaded from a file.

    Rows are never deleted or edited after loading, except that loading the year again clears
    `is_current` on the old version: the history of what deadlines were computed with stays.
    """

    year = models.PositiveSmallIntegerField("年份")
    # {"2027-01-01": "元旦", …}: ISO dates, so the JSON reads the same on every database.
    rest_days = models.JSONField("放假日期", default=dict)
    work_days = models.JSONField("调休上班日期", default=dict, blank=True)  # some years have none
    source = models.CharField("来源", max_length=255, blank=True)
    file_text = models.TextField("原始文件")
    # The State Council data in the package is authoritative; a loaded year replaces it only when the
    # administrator said so explicitly (e.g. the package has a known error for that year).
    replaces_official = models.BooleanField("替换官方数据包", default=False)
    is_current = models.BooleanField("当前版本", default=True)
    loaded_at = models.DateTimeField("载入时间", default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="载入人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    superseded_at = models.DateTimeField("被替换时间", null=True, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(is_current=True),
                name="calendars_holidayschedule_one_current_per_year",
                violation_error_message="该年份已有当前生效的节假日安排",
            ),
        ]

    def __str__(self) -> str:
        state = "当前" if self.is_current else "已替换"
        return f"{self.year}年节假日安排（{state}，#{self.pk}）"

    def to_schedule(self) -> Schedule:
        return Schedule(
            year=self.year,
            rest_days={date.fromisoformat(day): name for day, name in self.rest_days.items()},
            work_days={date.fromisoformat(day): name for day, name in self.work_days.items()},
            source=self.source,
        )


class OrgCalendarDay(models.Model):
    """An org's own rest day or workday; it applies to the org's whole subtree.

    A nearer org's entry for the same date overrides a farther one's (a county may work on a day its
    region rests).
    """

    class Kind(models.TextChoices):
        REST = "rest", "休息日"
        WORK = "work", "工作日"

    org = models.ForeignKey(Org, verbose_name="机构", on_delete=models.PROTECT, related_name="calendar_days")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, help_text="如：藏历新年、雪顿节")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "地方休息日/工作日"
        verbose_name_plural = "地方休息日/工作日"
        ordering = ["org_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "date"], name="calendars_orgcalendarday_org_date_unique",
                violation_error_message="该机构在这一天已有设置",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
