"""Clocks (statutory deadlines with pauses and extensions) and the notices the procedure issues."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition, PetitionEvent


class Clock(models.Model):
    """One deadline of one petition: stored, so lists can sort and filter by due date."""

    class Kind(models.TextChoices):
        DISPOSITION = "disposition", "登记处理"
        ACCEPTANCE = "acceptance", "受理告知"
        OBJECTION = "objection", "异议期"
        HANDLING = "handling", "办理期限"
        REPORT_BACK = "report_back", "办结报告"
        REVIEW_WINDOW = "review_window", "复查申请期"
        REVIEW_DECISION = "review_decision", "复查期限"
        RE_REVIEW_WINDOW = "re_review_window", "复核申请期"
        RE_REVIEW_DECISION = "re_review_decision", "复核期限"
        EVALUATION = "evaluation", "评价期"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField("期限", max_length=25, choices=Kind.choices)
    # Whose calendar counts (regional rest days), and who must act before the due date.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField("起算日")
    unit = models.CharField(max_length=15)
    length = models.PositiveIntegerField("期限天数")
    extended_days = models.PositiveIntegerField("延长天数", default=0)
    paused_days = models.PositiveIntegerField("暂停天数", default=0)
    paused_since = models.DateField("暂停起", null=True, blank=True)
    statutory_due = models.DateField("法定截止日", db_index=True)
    target_due = models.DateField("工作目标日", null=True, blank=True)
    provisional = models.BooleanField("临时截止日", default=False)
    explanation = models.TextField("计算说明", blank=True)
    stopped_on = models.DateField("停止日", null=True, blank=True)
    # Started by an action that was later corrected: kept for the record, counted nowhere.
    voided = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["petition_id", "started_on", "id"]
        constraints = [
            # One running clock of a kind per petition (a stopped one stays as history).
            models.UniqueConstraint(fields=["petition", "kind"], condition=Q(stopped_on__isnull=True),
                                    name="clock_one_running_per_kind"),
        ]
        indexes = [models.Index(fields=["stopped_on", "statutory_due"], name="clock_running_due_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} → {self.statutory_due}"

    @property
    def is_running(self) -> bool:
        return self.stopped_on is None

    @property
    def met(self) -> bool | None:
        """Stopped in time (True), late (False), or still running (None)."""
        if self.stopped_on is None:
            return None
        return self.stopped_on <= self.statutory_due


class Notice(models.Model):
    """A written notice or decision letter issued by a rule: numbered, stored with the case."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", "受理告知书"
        REJECTION = "rejection", "不予受理告知书"
        FORWARDING = "forwarding", "转送告知书"
        REDIRECTION = "redirection", "告知书（导入法定途径）"
        EXTENSION = "extension", "延期告知书"
        DECISION = "decision", "信访处理意见书"
        REVIEW = "review", "复查意见书"
        RE_REVIEW = "re_review", "复核意见书"
        NO_LONGER_ACCEPTED = "no_longer_accepted", "不再受理告知书"
        # A review (re-review) request not accepted is a decision on the request, not a review opinion.
        REVIEW_REFUSAL = "review_refusal", "复查申请不予受理告知书"
        RE_REVIEW_REFUSAL = "re_review_refusal", "复核申请不予受理告知书"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("文书", max_length=25, choices=Kind.choices)
    number = models.CharField("文号", max_length=60, unique=True)
    issuing_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("出具时间")
    # The day the action was taken (it may be recorded later): statistics count notices by this day.
    acted_on = models.DateField("办理日期", null=True, blank=True)
    # What the document says (request, facts, reasons, decision, legal basis …), as entered.
    content = models.JSONField(default=dict)
    # Issued by an action that was later corrected: kept, marked, never reissued under the same number.
    voided = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["petition_id", "issued_at", "id"]

    def __str__(self) -> str:
        return self.number


class Evaluation(models.Model):
    """A satisfaction rating of a matter's handling; who entered it is kept (staff entries reported apart)."""

    class EnteredByParty(models.TextChoices):
        # Who typed the rating in: the petitioner himself on the public portal, or a staff member on the staff
        # pages (even when he records what the petitioner said, rated_by "petitioner"). Reported apart.
        PETITIONER = "petitioner", "信访人本人录入（网上信访）"
        STAFF = "staff", "工作人员录入"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="evaluations")
    rating = models.CharField("评价", max_length=20)
    rated_by = models.CharField("评价方式", max_length=20)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    entered_by_party = models.CharField("录入方", max_length=20, choices=EnteredByParty.choices,
                                        default=EnteredByParty.STAFF)
    rated_on = models.DateField("评价日期")
    comment = models.TextField("意见", blank=True)
    # Set when the evaluate action is corrected (undone): the row stays, it no longer counts.
    voided = models.BooleanField("已作废", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"
        ordering = ["petition_id", "rated_on", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.rating}"


class JointAcceptance(models.Model):
    """Art 24: a matter involving two or more organs, and the organ designated to accept it (and how)."""

    class Basis(models.TextChoices):
        # Art 24 ¶1: the organs agree; if they dispute it, their common superior decides; with no common
        # superior, the joint meeting coordinates. ¶2: a split, merged or abolished organ's successor accepts.
        NEGOTIATED = "negotiated", "所涉及的机关协商确定"
        SUPERIOR = "superior", "共同的上一级机关决定"
        JOINT_MEETING = "joint_meeting", "信访工作联席会议协调"
        SUCCESSOR = "successor", "由继续行使其职权的机关受理（机关分立、合并、撤销）"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="joint_acceptances")
    accepting_org = models.ForeignKey(Org, verbose_name="受理机关", on_delete=models.PROTECT, related_name="+")
    involved_orgs = models.ManyToManyField(Org, verbose_name="涉及机关", related_name="+")
    basis = models.CharField("确定方式", max_length=20, choices=Basis.choices)
    decided_by = models.ForeignKey(Org, verbose_name="决定机关", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("确定日期")
    reason = models.TextField("说明", blank=True)
    # Set when the designating action is corrected (undone): the row stays, it no longer binds.
    voided = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "多机关受理确定"
        verbose_name_plural = "多机关受理确定"
        ordering = ["petition_id", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.accepting_org_id}"


class Recusal(models.Model):
    """Art 28: a staff member with a direct interest in the matter or the petitioner may not act on it."""

    class Ground(models.TextChoices):
        MATTER = "matter", "与信访事项有直接利害关系"
        PETITIONER = "petitioner", "与信访人有直接利害关系"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回避人员", on_delete=models.PROTECT,
                             related_name="recusals")
    ground = models.CharField("回避事由", max_length=20, choices=Ground.choices)
    reason = models.TextField("说明")
    # Declared by the person (自行回避) or decided by the organ's head or reviewer (决定回避).
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_on = models.DateField("回避日期")
    # Set when the recusing action is corrected (undone): the row stays, the person may act again.
    voided = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        ordering = ["petition_id", "declared_on", "id"]

    @property
    def self_declared(self) -> bool:
        return self.declared_by_id == self.user_id

    def __str__(self) -> str:
        return f"{self.petition_id} 回避 {self.user_id}"


class LateEntry(models.Model):
    """补录: an action entered on a day after the day it was taken (its legal date, acted_on).

    Statistics count the action on its legal date; this record keeps both dates, so the timeline, exports and
    supervisors see that the entry was late, and counts late entries by the unit that entered them. Beyond
    the policy's window (policy.late_entry_window_days) a 信访部门审核员 entered it, with a reason.
    """

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="late_entries")
    event = models.OneToOneField(PetitionEvent, on_delete=models.PROTECT, related_name="late_entry")
    action = models.CharField("办理操作", max_length=30)
    org = models.ForeignKey(Org, verbose_name="录入单位", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acted_on = models.DateField("办理日期")
    recorded_on = models.DateField("录入日期")
    beyond_window = models.BooleanField("超出补录期限", default=False)
    # Set beyond the window: the reviewer who entered (and so approved) it; else empty.
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="批准的审核员")
    reason = models.TextField("补录理由", blank=True)
    # Beyond the window, for an action a reviewer does not take himself: the reviewer's 批准补录 step it used
    # (once: one approval, one late entry).
    approval = models.OneToOneField(PetitionEvent, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="approved_late_entry", verbose_name="批准补录")
    # The action was undone by a correction: kept for the record, counted nowhere.
    voided = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = "补录"
        verbose_name_plural = "补录"
        ordering = ["petition_id", "acted_on", "id"]
        indexes = [models.Index(fields=["acted_on", "org"], name="late_entry_day_org_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} {self.acted_on} (recorded {self.recorded_on})"


class RefusedDestination(models.Model):
    """An attempt to send an accusation to the accused unit (Art 30 ¶3), refused: a liability signal (Arts 45, 46).

    The refused action changed nothing; this row is written after its transaction rolled back
    (services.petition_act). Seen only by the registering office's supervisors and reviewers and by superusers
    (selectors.refused_destinations_visible_to), never by the accused unit.
    """

    class Action(models.TextChoices):
        FORWARD = "forward", "转送"
        ASSIGN = "assign", "交办"
        DESIGNATE_ACCEPTOR = "designate_acceptor", "确定受理机关"

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="refused_destinations")
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    org = models.ForeignKey(Org, verbose_name="拟发往单位", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    actor_org = models.ForeignKey(Org, verbose_name="操作人单位", on_delete=models.PROTECT, related_name="+")
    article = models.CharField("依据", max_length=60)
    message = models.TextField("拒绝理由")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "被拒绝的转送（检举控告）"
        verbose_name_plural = "被拒绝的转送（检举控告）"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at", "actor_org"], name="refused_destination_at_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} → {self.org_id} refused"
