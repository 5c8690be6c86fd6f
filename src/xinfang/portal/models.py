"""The public portal's records: the personal-data notice's versions, each online submission, phone checks."""

from django.db import models

from xinfang.petitions.models import Petition


class ConsentNotice(models.Model):
    """One version of the notice on personal-data processing a petitioner agrees to before submitting.

    Versions are never edited once a submission accepted them (the text someone agreed to must stay as it was):
    a change is a new version. The newest published version is the one shown.
    """

    version = models.CharField("版本", max_length=20, unique=True)
    title = models.CharField("标题", max_length=100)
    text = models.TextField("告知内容")
    published_at = models.DateTimeField("发布时间")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "个人信息处理告知"
        verbose_name_plural = "个人信息处理告知"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class PortalSubmission(models.Model):
    """A petition submitted on the portal: the consent it was given under and its query code (hashed only)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "网上投诉"
        SUGGESTION = "suggestion", "网上建议"

    petition = models.OneToOneField(Petition, on_delete=models.PROTECT, related_name="portal_submission")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    consent_notice = models.ForeignKey(ConsentNotice, verbose_name="同意的告知版本", on_delete=models.PROTECT,
                                       related_name="submissions")
    consented_at = models.DateTimeField("同意时间")
    # HMAC of the query code (services.query_code_digest): the code itself is shown once, on the receipt.
    query_code_digest = models.CharField(max_length=64, unique=True)
    # Blind index of the phone given with the submission (petitions.crypto.blind_index): the phone check.
    phone_index = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网上信访提交"
        verbose_name_plural = "网上信访提交"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind}"


class PhoneCheck(models.Model):
    """An SMS code sent to the submission's phone: limited attempts, an expiry, used once."""

    submission = models.ForeignKey(PortalSubmission, on_delete=models.CASCADE, related_name="phone_checks")
    code_digest = models.CharField(max_length=100)  # "<seed>$<HMAC-SHA256>"
    sent_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证"
        verbose_name_plural = "短信验证"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.sent_at:%Y-%m-%d %H:%M}"
