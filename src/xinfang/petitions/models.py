"""Petitioners (信访人) and petitions (信访事项) as registered at intake."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.orgs.models import Org
from xinfang.petitions.fields import AccusationEventDataField, AccusationTextField, EncryptedTextField
from xinfang.petitions.masking import mask_address, mask_id_number, mask_name, mask_phone


class Category(models.Model):
    """Two-level content classification (问题分类); shipped as data, editable in admin."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "问题分类"
        verbose_name_plural = "问题分类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class HotTopic(models.Model):
    """A hot topic (重点领域) tracked across categories: 欠薪, 征地拆迁, 物业 …"""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "热点领域"
        verbose_name_plural = "热点领域"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Petitioner(models.Model):
    """A person or an organisation who petitions. Personal fields are encrypted at rest."""

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        ORGANISATION = "organisation", "单位"

    kind = models.CharField("类型", max_length=15, choices=Kind.choices, default=Kind.PERSON)
    name = EncryptedTextField("姓名/单位名称")
    # Person: resident ID number; organisation: unified social credit code.
    id_number = EncryptedTextField("证件号码", blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    address = EncryptedTextField("住址", blank=True)
    # HMAC blind indexes: equality look-ups without decrypting every row.
    id_number_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    # Blind index of the normalised name: finds the same person when the ID number is missing.
    name_index = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return self.name if self.kind == self.Kind.ORGANISATION else mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    CALL = "call", "来电"
    ONLINE_COMPLAINT = "online_complaint", "网上投诉"
    ONLINE_SUGGESTION = "online_suggestion", "网上建议"
    LEADER_MAILBOX = "leader_mailbox", "领导信箱"
    ASSIGNED_FROM_ABOVE = "assigned_from_above", "上级交办"
    HOTLINE_TRANSFER = "hotline_transfer", "12345转办"


ONLINE_CHANNELS = (Channel.ONLINE_COMPLAINT, Channel.ONLINE_SUGGESTION, Channel.LEADER_MAILBOX)


class PetitionType(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    GRIEVANCE = "grievance", "申诉求决类"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class PetitionStatus(models.TextChoices):
    """States of the procedure; only workflow.services.petition_act moves a petition between them."""

    REGISTERED = "registered", "已登记"
    FORWARDED = "forwarded", "已转送"
    ASSIGNED = "assigned", "已交办"
    OBJECTED = "objected", "责任单位退回待定"
    ACCEPTED = "accepted", "办理中"
    IN_HEARING = "in_hearing", "听证中"
    DRAFTED = "drafted", "意见书待审核"  # the handler's draft 处理意见书 awaits the head's approval
    REJECTED = "rejected", "不予受理"
    REDIRECTED = "redirected", "已导入法定途径"
    REPLIED = "replied", "已出具意见"
    DELIVERED = "delivered", "已送达"
    CLOSED = "closed", "已办结"
    UNDER_REVIEW = "under_review", "复查中"
    REVIEWED = "reviewed", "已复查"
    UNDER_RE_REVIEW = "under_re_review", "复核中"
    FINAL = "final", "已终结"


# Whether these are stored encrypted depends on petition_type: they are written together or not at all.
CONFIDENTIAL_TEXT_FIELDS = ("summary", "content", "demands")
_TEXT_AND_TYPE = frozenset((*CONFIDENTIAL_TEXT_FIELDS, "petition_type"))


def _refuse_unencrypted_write(names) -> None:
    # UPDATE … SET skips AccusationTextField.pre_save: an accusation's text would be written in plaintext,
    # or a type change would leave its text stored the old way.
    touched = _TEXT_AND_TYPE.intersection(names)
    if touched:
        raise ValueError(f"Petition {', '.join(sorted(touched))}: write with save(), not update() or "
                         "bulk_update(); an accusation's text is encrypted when its row is saved")


class PetitionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse_unencrypted_write(kwargs)
        from xinfang.stats import rollup  # stats reads petitions: imported late, not at the top

        rollup.touch_update(self, kwargs)  # UPDATE sends no signal: the statistics rollup is told here
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse_unencrypted_write(fields)  # before its transaction starts (it would end up in update())
        return super().bulk_update(objs, fields, batch_size=batch_size)


class Petition(models.Model):
    """One matter raised (信访事项), counted as 件; its persons are counted as 人次."""

    number = models.CharField("信访件编号", max_length=40, unique=True)
    registering_org = models.ForeignKey(
        Org, verbose_name="登记机构", on_delete=models.PROTECT, related_name="registered_petitions"
    )
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("年度序号")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("信访形式", max_length=25, choices=Channel.choices)
    received_at = models.DateTimeField("收到时间")
    # 12345 work-order number, number of the assigning document, the letter's postmark …
    source_reference = models.CharField("来源编号", max_length=100, blank=True)
    # Encrypted at rest for accusations (Art 30), plaintext (and searchable) for the other types.
    summary = AccusationTextField("概况", max_length=200)
    content = AccusationTextField("信访内容")
    demands = AccusationTextField("诉求", blank=True)
    category = models.ForeignKey(
        Category, verbose_name="问题分类", on_delete=models.PROTECT, related_name="petitions"
    )
    petition_type = models.CharField("信访类型", max_length=15, choices=PetitionType.choices)
    locality = models.ForeignKey(
        Org, verbose_name="问题属地", on_delete=models.PROTECT, related_name="local_petitions"
    )
    complained_org = models.ForeignKey(
        Org, verbose_name="被反映单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints_against",
    )
    amount_involved = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    hot_topics = models.ManyToManyField(HotTopic, verbose_name="热点领域", blank=True, related_name="petitions")
    litigation_related = models.BooleanField("涉法涉诉", default=False)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    person_times = models.PositiveIntegerField("人次")
    is_group_visit = models.BooleanField("集体访", default=False)
    # 初件/重件: empty for a first petition; a repeat petition points at its matter's first petition.
    # Maintained by the matching app (links are audited and can be undone there).
    first_petition = models.ForeignKey(
        "self", verbose_name="初件", null=True, blank=True,
        on_delete=models.PROTECT, related_name="repeat_petitions",
    )
    # 越级: raised above the level with authority with no petition at the lower level (matching app).
    is_skip_level = models.BooleanField("越级", default=False)
    status = models.CharField("状态", max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.REGISTERED)
    # The organ with authority the matter was forwarded or assigned to (责任单位).
    handling_org = models.ForeignKey(
        Org, verbose_name="责任单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="handled_petitions",
    )
    # The organs a review (复查) and a re-review (复核) were requested of (Arts 35, 36), set by those rules: the
    # reviewing organ sees the matter it reviews, wherever it sits in the tree.
    review_org = models.ForeignKey(
        Org, verbose_name="复查机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    re_review_org = models.ForeignKey(
        Org, verbose_name="复核机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    # The person inside the handling org who handles the matter (承办人), set by the head (rule assign_handler).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_petitions",
    )
    # Decision outcome (支持/不予支持/属实/采纳 …) and legal pathway, set by the rules that decide them.
    outcome = models.CharField("处理结果", max_length=30, blank=True)
    legal_pathway = models.CharField("法定途径", max_length=30, blank=True)
    # Optimistic lock: each action names the version it saw; a stale one is refused, never lost.
    version = models.PositiveIntegerField(default=1)
    # A retried submit (double click, API retry) with the same key returns the first petition.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registering_org", "year", "sequence"], name="petition_number_per_office_year"
            ),
            models.UniqueConstraint(
                fields=["registered_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="petition_idempotency_per_user",
            ),
            models.CheckConstraint(condition=Q(person_times__gte=1), name="petition_person_times_positive"),
            models.CheckConstraint(
                condition=Q(is_group_visit=False) | Q(channel="visit"), name="petition_group_only_visits"
            ),
        ]
        indexes = [
            # The case list: newest first, keyset-paginated, within an office or a locality.
            models.Index(fields=["-received_at", "-id"], name="petition_recent_idx"),
            models.Index(fields=["registering_org", "-received_at", "-id"], name="petition_office_recent_idx"),
            models.Index(fields=["locality", "-received_at", "-id"], name="petition_locality_recent_idx"),
            models.Index(fields=["channel", "-received_at"], name="petition_channel_idx"),
            models.Index(fields=["category", "-received_at"], name="petition_category_idx"),
            models.Index(fields=["status", "-received_at"], name="petition_status_idx"),
            models.Index(fields=["handling_org", "-received_at", "-id"], name="petition_handling_recent_idx"),
            # The list search: the tail of a number ("123" finds QXXF-2026-000123) is its sequence, and an
            # outside reference (来源编号: a 12345 work order) is looked up exactly.
            models.Index(fields=["sequence"], name="petition_sequence_idx"),
            models.Index(fields=["source_reference"], name="petition_source_ref_idx"),
            models.Index(fields=["review_org"], name="petition_review_org_idx",
                         condition=Q(review_org__isnull=False)),
            models.Index(fields=["re_review_org"], name="petition_re_review_org_idx",
                         condition=Q(re_review_org__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # A save of the type alone (a correction to 检举控告) must re-store the text encrypted, and a save of
        # the text alone must store it the way the type says: either brings the other three along.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and _TEXT_AND_TYPE.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, *_TEXT_AND_TYPE}
        super().save(*args, **kwargs)


class PetitionParty(models.Model):
    """A petitioner of a petition; for a group visit, the parties are its representatives."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    is_representative = models.BooleanField("代表", default=False)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "信访人（事项）"
        verbose_name_plural = "信访人（事项）"
        ordering = ["petition_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "petitioner"], name="petition_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.petitioner_id}"


class NumberSequence(models.Model):
    """Last number used by an office in a year; the row is locked while a number is taken."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"
        ordering = ["org_id", "year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="number_sequence_unique")]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed: the stored name never comes from the uploader.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        MATERIAL = "material", "信访材料"
        EVIDENCE = "evidence", "调查核实证据"  # attached by the handling unit while it handles the matter

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="attachments")
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices, default=Purpose.MATERIAL)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["petition_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class PetitionEvent(models.Model):
    """The case history: one append-only row per thing that happened to a petition."""

    class Kind(models.TextChoices):
        # Intake's own events; the procedure's actions (forward, accept, …) use their rule's code.
        REGISTERED = "registered", "登记"
        ATTACHMENT_ADDED = "attachment_added", "上传附件"
        PERSONAL_DATA_VIEWED = "personal_data_viewed", "查看完整个人信息"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件", max_length=30)
    # The Chinese name at the time of the event, so history reads the same if labels change later.
    title = models.CharField("名称", max_length=50, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_org = models.ForeignKey(Org, null=True, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField("时间")
    # What an official writes about an accusation is as secret as the accusation: sealed at rest (fields.py).
    note = AccusationTextField("说明", blank=True)
    data = AccusationEventDataField(default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["petition_id", "occurred_at", "id"]
        indexes = [models.Index(fields=["petition", "occurred_at"], name="petition_event_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind}"

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        return self.Kind(self.kind).label if self.kind in self.Kind.values else self.kind


from xinfang.petitions.reveal_approvals import RevealApproval  # noqa: E402, F401  (its own module)
