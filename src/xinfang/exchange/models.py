"""What the importer remembers: which external record became which petition (re-import is a no-op)."""

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
