"""The append-only audit log, chained by HMAC with a key held outside the database (`chain`)."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One recorded action. Each row's hash covers its content and the previous row's hash."""

    class Version(models.IntegerChoices):
        # Rows written before the chain was keyed keep their SHA-256 and are verified, and reported, as such.
        LEGACY = 1, "SHA-256（旧，无密钥）"
        KEYED = 2, "HMAC-SHA256（审计密钥）"

    occurred_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Kept as text too, so the chain still verifies if a user is renamed.
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("动作", max_length=60, db_index=True)
    target_type = models.CharField("对象类型", max_length=60, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    version = models.PositiveSmallIntegerField("链版本", choices=Version, default=Version.KEYED)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """A single row holding the chain's last hash; locking it serialises appends."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)
    # Events in the chain: what a checkpoint records, and when the next automatic one is due.
    event_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
