"""违法信访行为 (Regulation Art 26) and the measures taken against it (Art 47): a restricted ledger.

Writes go through order.services (one transaction, audited, a prevention LedgerVersion each); reads through
order.selectors, which only the roles of order.permissions pass. docs/ORDER.md describes who sees what.
"""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org
from xinfang.petitions.fields import EncryptedTextField
from xinfang.petitions.masking import mask_name
from xinfang.prevention.history import LedgerRecord


class ConductKind(models.TextChoices):
    """Art 26's six kinds. The article's list is closed (its item 6 is the catch-all), so not an editable list."""

    GATHERING = "gathering", "非法聚集、围堵冲击机关、拦截车辆、堵塞交通"
    DANGEROUS_ARTICLES = "dangerous_articles", "携带危险物品、管制器具"
    VIOLENCE = "violence", "侮辱殴打威胁工作人员、非法限制人身自由、毁坏财物"
    TROUBLE_AT_RECEPTION = "trouble_at_reception", "在信访接待场所滞留滋事、遗弃他人"
    INCITING = "inciting", "煽动串联胁迫诱使幕后操纵他人信访、以信访为名借机敛财"
    OTHER = "other", "其他扰乱公共秩序、妨害国家和公共安全的行为"


class MeasureKind(models.TextChoices):
    """What Art 47 provides: the first three by the petition office and organs, the last two by public security."""

    DISSUADE = "dissuade", "劝阻"
    CRITICISE = "criticise", "批评教育"
    ADMONISH = "admonish", "训诫"
    PUBLIC_SECURITY_PENALTY = "public_security_penalty", "治安管理处罚"
    CRIMINAL_COERCION = "criminal_coercion", "刑事强制措施"


POLICE_MEASURES = (MeasureKind.PUBLIC_SECURITY_PENALTY, MeasureKind.CRIMINAL_COERCION)


class OrderIncident(LedgerRecord):
    occurred_on = models.DateField("发生日期")
    place = models.CharField("发生地点", max_length=200)
    kind = models.CharField("行为类型", max_length=30, choices=ConductKind.choices)
    description = models.TextField("行为经过")
    locality = models.ForeignKey(Org, verbose_name="属地", on_delete=models.PROTECT, related_name="+")
    recording_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "违法信访行为"
        verbose_name_plural = "违法信访行为"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on"], name="order_incident_occurred")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class OrderPerson(models.Model):
    """A person involved; linked to the petitioner where known. The name is encrypted and shown masked."""

    incident = models.ForeignKey(OrderIncident, on_delete=models.CASCADE, related_name="persons")
    petitioner = models.ForeignKey("petitions.Petitioner", verbose_name="信访人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField("姓名")

    class Meta:
        verbose_name = "涉及人员"
        verbose_name_plural = "涉及人员"
        ordering = ["incident_id", "id"]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class OrderMeasure(models.Model):
    """One measure taken against one person: kind, date, organ (an org, or a named organ), document number."""

    incident = models.ForeignKey(OrderIncident, on_delete=models.CASCADE, related_name="measures")
    person = models.ForeignKey(OrderPerson, verbose_name="对象", on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField("处置措施", max_length=30, choices=MeasureKind.choices)
    taken_on = models.DateField("采取日期")
    organ = models.ForeignKey(Org, verbose_name="采取机关", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    organ_name = models.CharField("采取机关名称", max_length=100, blank=True)
    document_number = models.CharField("文书编号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "处置措施"
        verbose_name_plural = "处置措施"
        ordering = ["taken_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(organ__isnull=False) | ~models.Q(organ_name=""),
                                   name="order_measure_has_organ"),
        ]

    @property
    def organ_display(self) -> str:
        return self.organ.name if self.organ_id else self.organ_name


class OrderIncidentPetition(models.Model):
    incident = models.ForeignKey(OrderIncident, on_delete=models.CASCADE, related_name="petition_links")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "违法信访行为关联信访件"
        verbose_name_plural = "违法信访行为关联信访件"
        ordering = ["incident_id", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "petition"], name="order_incident_petition")]


def _evidence_path(instance, filename: str) -> str:
    return f"order/{instance.incident_id}/{instance.sha256}"


class OrderEvidence(models.Model):
    """An evidence file, checked by content (petitions.attachments) and stored sealed like petitions' files."""

    incident = models.ForeignKey(OrderIncident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"
        ordering = ["incident_id", "id"]
