"""Deadline warnings (one per clock and level, ever) and the notifications they send to people."""

from django.conf import settings
from django.db import models

from xinfang.petitions.models import Petition
from xinfang.workflow.models import Clock


class WarningLevel(models.TextChoices):
    APPROACHING = "approaching", "临期"
    OVERDUE = "overdue", "超期"
    SERIOUSLY_OVERDUE = "seriously_overdue", "严重超期"


class DeadlineWarning(models.Model):
    """A warning raised for a running statutory clock: the unique (clock, level) is what makes the scan
    idempotent — a second scan, a restarted worker or two workers at once cannot raise it again."""

    clock = models.ForeignKey(Clock, on_delete=models.PROTECT, related_name="warnings")
    level = models.CharField("预警级别", max_length=20, choices=WarningLevel.choices)
    statutory_due = models.DateField("法定截止日")
    raised_on = models.DateField("预警日")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "期限预警"
        verbose_name_plural = "期限预警"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="deadline_warning_once_per_level")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.level}"


class Notification(models.Model):
    """One message to one user, shown in-app (the bell) and delivered by e-mail and SMS where possible."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    petition = models.ForeignKey(Petition, verbose_name="信访事项", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    warning = models.ForeignKey(DeadlineWarning, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="notifications")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # E-mail and SMS: claimed before sending (at most once — a crash between the claim and the send loses a
    # message, never doubles it; the in-app notification is there either way). `channels`: what was sent.
    delivered_at = models.DateTimeField(null=True, blank=True)
    channels = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["warning", "recipient"], name="notification_once_per_warning")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class ContactPoint(models.Model):
    """Where a staff member receives SMS (users have no phone of their own); e-mail uses User.email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_point")
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    sms_enabled = models.BooleanField("接收短信", default=True)
    email_enabled = models.BooleanField("接收邮件", default=True)

    class Meta:
        verbose_name = "通知方式"
        verbose_name_plural = "通知方式"

    def __str__(self) -> str:
        return str(self.user)
