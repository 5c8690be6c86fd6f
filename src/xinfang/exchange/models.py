"""What the importer remembers: which external record became which petition (re-import is a no-op)."""

from django.conf import settings
from django.db import models

from xinfang.petitions.models import Petition


class ImportedRecord(models.Model):
    source_system = models.CharField("来源系统", max_length=100)
    external_id = models.CharField("外部编号", max_length=100)
    petition = models.ForeignKey(Petition, verbose_name="信访事项", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    file_sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        constraints = [models.UniqueConstraint(fields=["source_system", "external_id"],
                                               name="exchange_imported_record_unique")]

    def __str__(self) -> str:
        return f"{self.source_system}/{self.external_id}"


class ImportJob(models.Model):
    """One import from the upload page, run in the background (docs/IMPORT.md, "上传页面")."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField("导入方式", max_length=20)
    dry_run = models.BooleanField("仅检查", default=False)
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    # The uploaded file while the job waits or runs (under DATA_DIR/imports); emptied when it ends.
    stored_path = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    total_rows = models.PositiveIntegerField("总行数", null=True, blank=True)
    created = models.PositiveIntegerField("新建", default=0)
    skipped = models.PositiveIntegerField("跳过", default=0)
    failed = models.PositiveIntegerField("出错行数", default=0)
    rolled_back = models.BooleanField("已撤销", default=False)
    # [[row, column, message], …] in row order: the report's table.
    errors = models.JSONField("出错的行", default=list, blank=True)
    # Why the whole file could not be read (ImportFileError) or the job stopped.
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class RepeatProposal(models.Model):
    """An imported petition the same-matter judgement takes for a 重件, waiting for a clerk (docs/IMPORT.md).

    Registration never links a repeat by itself (the clerk confirms the hint); an import that brought no
    重复信访关联编号 therefore proposes, and `first_petition` — what statistics count — changes only when a
    clerk confirms (`exchange.review.proposal_confirm`, through `matching.services.repeat_link`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认为重复信访"
        DISMISSED = "dismissed", "已排除"

    petition = models.OneToOneField(Petition, verbose_name="导入的信访件", on_delete=models.CASCADE,
                                    related_name="import_repeat_proposal")
    candidate = models.ForeignKey(Petition, verbose_name="判断为同一事项的信访件", on_delete=models.CASCADE,
                                  related_name="+")
    first_petition = models.ForeignKey(Petition, verbose_name="该事项初件", on_delete=models.CASCADE, related_name="+")
    matter_score = models.FloatField("同一事项的可能性")
    reasons = models.CharField("依据", max_length=500)
    skip_level_note = models.CharField("越级", max_length=300, blank=True)
    file_sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField("理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "导入疑似重复信访"
        verbose_name_plural = "导入疑似重复信访"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-id"], name="exchange_proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id}→{self.first_petition_id} ({self.get_status_display()})"
