"""Deadline warnings (one per clock and level, ever) and the notifications they send to people; the
petitioners' consent to SMS and the SMS sent to them at the 告知 steps."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from xinfang.petitions.models import Petition, Petitioner
from xinfang.workflow.models import Clock, Notice


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


class RecordWarning(models.Model):
    """超期 of a record with a due date (督办, 三项建议, 约谈/限期整改, 领导批示; 矛盾纠纷, 问题清单, 积案): its due date
    passed unanswered (notifications.record_warnings). Unique
    per record and due date, as DeadlineWarning per clock and level: a rerun never raises it twice; a
    rectification sent back with a new due date may be warned again when that one passes."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", "督办"
        RECOMMENDATION = "recommendation", "三项建议"
        RECTIFICATION = "rectification", "约谈、限期整改"
        INSTRUCTION = "instruction", "领导批示"
        DISPUTE = "dispute", "矛盾纠纷"
        PROBLEM = "problem", "群众信访问题清单"
        BACKLOG = "backlog", "积案"

    kind = models.CharField("记录类别", max_length=20, choices=Kind.choices)
    record_id = models.PositiveBigIntegerField("记录")
    number = models.CharField("编号", max_length=60)
    due_on = models.DateField("期限")
    raised_on = models.DateField("预警日")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "记录超期预警"
        verbose_name_plural = "记录超期预警"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "record_id", "due_on"],
                                               name="record_warning_once_per_due_date")]

    def __str__(self) -> str:
        return f"{self.number} 超期"


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
    record_warning = models.ForeignKey(RecordWarning, null=True, blank=True, on_delete=models.PROTECT,
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
        constraints = [
            models.UniqueConstraint(fields=["warning", "recipient"], name="notification_once_per_warning"),
            models.UniqueConstraint(fields=["record_warning", "recipient"],
                                    name="notification_once_per_record_warning"),
        ]
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


class SmsConsent(models.Model):
    """A petitioner's word on SMS about one matter: append-only, the newest row per (petition, petitioner)
    decides. Withdrawing is a new row with `given` False."""

    class Method(models.TextChoices):
        WRITTEN = "written", "书面"
        ORAL = "oral", "口头"
        PHONE = "phone", "电话"
        ONLINE = "online", "网上"

    petition = models.ForeignKey(Petition, verbose_name="信访事项", on_delete=models.PROTECT,
                                 related_name="sms_consents")
    petitioner = models.ForeignKey(Petitioner, verbose_name="信访人", on_delete=models.PROTECT, related_name="+")
    given = models.BooleanField("同意接收短信告知")
    method = models.CharField("表示方式", max_length=10, choices=Method.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "短信告知同意"
        verbose_name_plural = "短信告知同意"
        ordering = ["petition_id", "petitioner_id", "-id"]
        indexes = [models.Index(fields=["petition", "petitioner", "-id"], name="sms_consent_latest_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.petitioner_id} {'同意' if self.given else '不同意'}"


class PetitionerMessage(models.Model):
    """One SMS to one petitioner about one notice: unique per (notice, petitioner), written queued with the
    notice, claimed (`claimed_at`) before it is sent, so a rerun or a restarted worker never sends it twice.
    Only the masked number is kept; the text never carries the matter's content."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        CANCELLED = "cancelled", "未发送"

    notice = models.ForeignKey(Notice, verbose_name="文书", on_delete=models.PROTECT,
                               related_name="petitioner_messages")
    petition = models.ForeignKey(Petition, verbose_name="信访事项", on_delete=models.PROTECT,
                                 related_name="petitioner_messages")
    petitioner = models.ForeignKey(Petitioner, verbose_name="信访人", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(SmsConsent, verbose_name="所依据的同意", on_delete=models.PROTECT, related_name="+")
    phone_masked = models.CharField("号码", max_length=20)
    text = models.CharField("短信内容", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Why it failed or was not sent (the error's kind, never the number), shown on the case page.
    reason = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    claimed_at = models.DateTimeField("开始发送", null=True, blank=True)
    finished_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "告知短信"
        verbose_name_plural = "告知短信"
        ordering = ["petition_id", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "petitioner"], name="petitioner_message_once")]
        indexes = [models.Index(fields=["status", "claimed_at"], name="petitioner_message_pending_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.petitioner_id} {self.status}"
