"""Identity links, petitioner merges, repeat-link history, skip-level marks and mass-matter clusters.

The 初件/重件 state itself lives on `Petition.first_petition` (statistics read it); this app keeps it true
and records why and by whom it changed, so every change can be undone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.orgs.models import Org
from xinfang.petitions.fields import AccusationTextField
from xinfang.petitions.models import Petition, Petitioner


class IdentityKey(models.Model):
    """A blind index of a combination of personal fields, so the same person is found without decrypting.

    ID number, phone and name have their own columns on Petitioner; combinations live here.
    """

    class Kind(models.TextChoices):
        NAME_ADDRESS = "name_address", "姓名+住址"
        NAME_BIRTH_DATE = "name_birth_date", "姓名+出生日期"

    petitioner = models.ForeignKey(Petitioner, on_delete=models.CASCADE, related_name="identity_keys")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=32)

    class Meta:
        verbose_name = "身份比对键"
        verbose_name_plural = "身份比对键"
        ordering = ["petitioner_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["petitioner", "kind"], name="matching_identity_key_unique"),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="matching_identity_key_idx")]

    def __str__(self) -> str:
        return f"{self.petitioner_id}:{self.kind}"


class IdentityLink(models.Model):
    """Two petitioner records that are probably the same person, how that was found, and how sure we are."""

    class Method(models.TextChoices):
        ID_NUMBER = "id_number", "同一证件号码"
        PHONE = "phone", "同一联系电话"
        NAME_ADDRESS = "name_address", "同名且住址相同"
        NAME_BIRTH_DATE = "name_birth_date", "同名且出生日期相同"

    # Stored with petitioner_a_id < petitioner_b_id, so a pair has one row per method.
    petitioner_a = models.ForeignKey(Petitioner, on_delete=models.CASCADE, related_name="+")
    petitioner_b = models.ForeignKey(Petitioner, on_delete=models.CASCADE, related_name="+")
    method = models.CharField("方式", max_length=20, choices=Method.choices)
    confidence = models.FloatField("置信度")
    reason = models.CharField("理由", max_length=200)
    # A link an official judged wrong is dismissed, never deleted (and not found again by the next run).
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "身份关联"
        verbose_name_plural = "身份关联"
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petitioner_a", "petitioner_b", "method"], name="matching_link_unique"),
            models.CheckConstraint(condition=Q(petitioner_a__lt=models.F("petitioner_b")),
                                   name="matching_link_ordered"),
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                                   name="matching_link_confidence_range"),
        ]
        indexes = [models.Index(fields=["petitioner_b"], name="matching_link_b_idx")]

    def __str__(self) -> str:
        return f"{self.petitioner_a_id}~{self.petitioner_b_id} {self.method}"


class PetitionerMerge(models.Model):
    """One petitioner record merged into another; `snapshot` holds exactly what moved, for unmerge."""

    source = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="merges_out")
    target = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="merges_in")
    reason = models.CharField("理由", max_length=200)
    # {"parties": [[party_id, petition_id]], "dropped": [{petition, position, is_representative}],
    #  "source_indexes": {...}, "filled": [field names filled on the target], "keys": [identity key ids]}
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "信访人合并"
        verbose_name_plural = "信访人合并"
        ordering = ["-merged_at", "-id"]
        constraints = [
            # A record merged away cannot be merged again until that merge is undone.
            models.UniqueConstraint(fields=["source"], condition=Q(unmerged_at__isnull=True),
                                    name="matching_merge_one_active_per_source"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="matching_merge_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}→{self.target_id}"


class RepeatLinkEvent(models.Model):
    """Append-only history of every change to a petition's first petition (初件/重件)."""

    class Action(models.TextChoices):
        LINK = "link", "关联为重复信访"
        UNLINK = "unlink", "撤销重复关联"
        SPLIT = "split", "拆分事项"
        REROOT = "reroot", "初件变更"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="repeat_link_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    first_petition_before = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_petition_after = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("理由", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = "重复信访关联记录"
        verbose_name_plural = "重复信访关联记录"
        ordering = ["petition_id", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action}"


class RepeatIntent(models.Model):
    """A clerk's "确认为重复信访" on the registration page, applied when that form's petition is registered.

    Keyed like registration's idempotency (user, key): the petition does not exist yet when the clerk confirms.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=64)
    first_petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "登记时确认的重复关联"
        verbose_name_plural = "登记时确认的重复关联"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="matching_intent_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.idempotency_key}"


class SkipLevelMark(models.Model):
    """Why a petition is (or is not) 越级; mirrors `Petition.is_skip_level`, which statistics count."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="skip_level_mark")
    is_skip_level = models.BooleanField(default=False)
    reason = models.CharField("理由", max_length=300)
    # The lowest level the petitioner should have gone to first (本级或上一级).
    lower_org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = "越级判定"
        verbose_name_plural = "越级判定"
        ordering = ["petition_id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {'越级' if self.is_skip_level else '-'}"


class MassCluster(models.Model):
    """A mass matter (涉众): one matter raised by many different petitioners."""

    title = models.CharField("事项", max_length=200)
    locality = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    complained_org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    petitions = models.ManyToManyField(Petition, through="MassClusterMember", related_name="mass_clusters")
    petition_count = models.PositiveIntegerField("件数", default=0)
    petitioner_count = models.PositiveIntegerField("人数", default=0)
    person_times = models.PositiveIntegerField("人次", default=0)
    first_received_at = models.DateTimeField()
    last_received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "涉众事项"
        verbose_name_plural = "涉众事项"
        ordering = ["-last_received_at", "-id"]
        indexes = [models.Index(fields=["-last_received_at", "-id"], name="matching_cluster_recent_idx")]

    def __str__(self) -> str:
        return self.title


class MassClusterMember(models.Model):
    cluster = models.ForeignKey(MassCluster, on_delete=models.CASCADE, related_name="members")
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(default=0)

    class Meta:
        verbose_name = "涉众事项成员"
        verbose_name_plural = "涉众事项成员"
        ordering = ["cluster_id", "petition_id"]
        constraints = [
            # A petition belongs to one mass matter at most.
            models.UniqueConstraint(fields=["petition"], name="matching_cluster_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id}:{self.petition_id}"


class MatterFacts(models.Model):
    """A petition's facts as the same-matter judgement reads them (facts.py), stored when its text is written.

    The candidate stage reads these with the candidate rows instead of running jieba on every candidate's text
    (stored.py). `version` is the extractor's (facts.FACTS_VERSION): a row of another version, or of another
    year of receipt (relative dates are read against it), is not used, and `xinfang matching facts` rewrites it.
    The data repeats words and names of the text, so an accusation's is sealed like its text (Art 30).
    """

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, primary_key=True, related_name="matter_facts")
    version = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True)
    data = AccusationTextField()

    class Meta:
        verbose_name = "事项要素"
        verbose_name_plural = "事项要素"
        ordering = ["petition_id"]

    def __str__(self) -> str:
        return f"{self.petition_id} v{self.version}"
