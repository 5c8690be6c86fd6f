"""Models of the supervision app. Supervision records and rankings live in their own modules (imported here)."""

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A user's named set of inbox filters (the query string of the inbox page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField("名称", max_length=80)
    query = models.CharField("筛选条件", max_length=1000, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "保存的视图"
        verbose_name_plural = "保存的视图"
        ordering = ["user_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="supervision_saved_view_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# 督办 and 三项建议 live in records.py; imported here so Django finds the models.
from xinfang.supervision.records import *  # noqa: F401,F403,E402
# 约谈, 限期整改 and 通报 live in accountability.py.
from xinfang.supervision.accountability import *  # noqa: F401,F403,E402
# 领导批示 lives in instructions.py.
from xinfang.supervision.instructions import *  # noqa: F401,F403,E402
