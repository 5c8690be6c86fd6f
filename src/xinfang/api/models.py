"""API tokens (and, in api.webhooks, outbound webhooks): only a SHA-256 digest is stored; the token itself is shown once at creation.

A token acts as its user (the user's org scope and roles), limited further by its scopes, until it expires or is
revoked; disabling the user ends every token of the user.
"""

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    READ = "read", "读取"  # every GET (and the draft's repeat candidates)
    REGISTER = "register", "登记"  # POST /petitions
    ACT = "act", "办理"  # the procedure's actions, links, corrections: every other write


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField("权限范围", max_length=100, default="read")  # space-separated Scope values
    expires_at = models.DateTimeField("有效期至")

    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


from xinfang.api.webhooks import WebhookDelivery, WebhookSubscription  # noqa: E402  (their own module)

__all__ = ["ApiToken", "Scope", "WebhookDelivery", "WebhookSubscription"]
