"""Outbound webhooks: an external system (a 12345 platform, a city's service desk) is told when a petition it may
see changes state. A subscription acts as one user (what that user may see is what it hears of) and names the
event kinds it wants; each delivery is a row, sent by the task worker, HMAC-signed, retried with back-off.
The payload names the matter, its status and the step — never its content or a person (docs/API.md).
"""

from django.conf import settings
from django.db import models

from xinfang.petitions.fields import EncryptedTextField


class WebhookSubscription(models.Model):
    name = models.CharField("名称", max_length=100)
    url = models.URLField("接收地址", max_length=500)
    secret = EncryptedTextField("签名密钥")  # HMAC-SHA256 key, shown once at creation
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代表用户", on_delete=models.PROTECT,
                             related_name="+")
    events = models.CharField("事件", max_length=500, default="*",
                              help_text="办理记录的事件代码，以空格分隔（registered forward accept …）；* 为全部")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Webhook 订阅"
        verbose_name_plural = "Webhook 订阅"

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        kinds = self.events.split()
        return "*" in kinds or kind in kinds


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "已放弃"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    event = models.ForeignKey("petitions.PetitionEvent", on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Webhook 投递"
        verbose_name_plural = "Webhook 投递"
        constraints = [models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]
