"""PIPL (个人信息保护法) duties towards petitioners: the notice each petition was registered under, the
petitioners' requests (查阅、复制、更正、删除), corrections kept encrypted, legal holds and anonymisations."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.orgs.models import Org
from xinfang.petitions.fields import EncryptedTextField
from xinfang.petitions.models import Channel, Petition, Petitioner
from xinfang.portal.models import ConsentNotice


class PetitionNotice(models.Model):
    """The version of the personal-data notice (个人信息处理告知) in force when a petition was registered.

    The notice's versions are the portal's ConsentNotice rows (one table for every channel): online the petitioner
    ticks that they agree to it; at the desk, by letter or phone the office informs them of the same text.
    """

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="privacy_notice")
    notice = models.ForeignKey(ConsentNotice, verbose_name="告知版本", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项告知版本"
        verbose_name_plural = "事项告知版本"
        ordering = ["petition_id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.notice.version}"


class DataRequest(models.Model):
    """A petitioner's request about their personal data (PIPL Arts 44–47), answered by the office's 审核员."""

    class Kind(models.TextChoices):
        ACCESS = "access", "查阅、复制"
        CORRECTION = "correction", "更正、补充"
        DELETION = "deletion", "删除"

    class Status(models.TextChoices):
        RECEIVED = "received", "待处理"
        GRANTED = "granted", "已同意"
        REFUSED = "refused", "不予同意"

    number = models.CharField("申请编号", max_length=30, unique=True)
    office = models.ForeignKey(Org, verbose_name="受理机构", on_delete=models.PROTECT, related_name="+")
    petitioner = models.ForeignKey(Petitioner, verbose_name="信访人", on_delete=models.PROTECT,
                                   related_name="data_requests")
    kind = models.CharField("申请类型", max_length=12, choices=Kind.choices)
    received_on = models.DateField("收到日期")
    channel = models.CharField("提出方式", max_length=25, choices=Channel.choices)
    # What is asked, in the petitioner's words; may repeat personal data, so it is encrypted like it.
    asked = EncryptedTextField("申请内容")
    # A correction's new values (empty: unchanged), encrypted like the petitioner's fields they replace.
    new_name = EncryptedTextField("更正后姓名", blank=True)
    new_phone = EncryptedTextField("更正后联系电话", blank=True)
    new_address = EncryptedTextField("更正后住址", blank=True)
    due_on = models.DateField("答复期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField("决定理由", blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField("答复日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "个人信息权利申请"
        verbose_name_plural = "个人信息权利申请"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received", handled_by__isnull=True, answered_on__isnull=True)
                | (~Q(status="received") & Q(handled_by__isnull=False, answered_on__isnull=False)),
                name="privacy_request_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_request_due_idx")]

    def __str__(self) -> str:
        return self.number


class PetitionerCorrection(models.Model):
    """One field of a petitioner corrected: the old and new values stay, encrypted (the history of a correction)."""

    class Field(models.TextChoices):
        NAME = "name", "姓名/单位名称"
        PHONE = "phone", "联系电话"
        ADDRESS = "address", "住址"

    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="corrections")
    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField("字段", max_length=10, choices=Field.choices)
    old_value = EncryptedTextField("原值", blank=True)
    new_value = EncryptedTextField("新值", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "信访人信息更正"
        verbose_name_plural = "信访人信息更正"
        ordering = ["petitioner_id", "id"]

    def __str__(self) -> str:
        return f"{self.petitioner_id} {self.field}"


class LegalHold(models.Model):
    """A matter or a petitioner kept out of anonymisation (诉讼、复查、纪检调查 …) until released."""

    petition = models.ForeignKey(Petition, verbose_name="信访事项", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="legal_holds")
    petitioner = models.ForeignKey(Petitioner, verbose_name="信访人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="legal_holds")
    office = models.ForeignKey(Org, verbose_name="决定机构", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("保全理由")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT,
                                  related_name="+")
    placed_at = models.DateTimeField("保全时间")
    released_at = models.DateTimeField("解除时间", null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    release_reason = models.TextField("解除理由", blank=True)

    class Meta:
        verbose_name = "保全（暂停匿名化）"
        verbose_name_plural = "保全（暂停匿名化）"
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(petition__isnull=True) ^ Q(petitioner__isnull=True),
                                   name="privacy_hold_one_target"),
            models.CheckConstraint(condition=Q(released_at__isnull=True, released_by__isnull=True)
                                   | Q(released_at__isnull=False, released_by__isnull=False),
                                   name="privacy_hold_release_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id or ''}/{self.petitioner_id or ''}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class Anonymisation(models.Model):
    """A petitioner whose personal data was replaced by anonymised values; `batch` groups one run."""

    class Cause(models.TextChoices):
        RETENTION = "retention", "保存期满"
        DELETION = "deletion", "删除申请"

    petitioner = models.OneToOneField(Petitioner, on_delete=models.PROTECT, related_name="anonymisation")
    cause = models.CharField("原因", max_length=10, choices=Cause.choices)
    batch = models.CharField("批次", max_length=40)
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "匿名化记录"
        verbose_name_plural = "匿名化记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.petitioner_id} {self.batch}"
