"""Who accused (Art 30, Art 46(5)): an accusation's petitioner is shown in full only with a second official's
approval, as a whistle-blowing system's custodian works. The official who asks states why; a 信访部门审核员 or a
领导干部 who sees the matter — never the one who asked — approves or refuses; an approval lets that official
see that matter's petitioners (the reveal, its notices) for APPROVAL_HOURS, each look still logged as a reveal.

Writes go through the functions below, one transaction each, audited.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Role, User

APPROVAL_HOURS = 24
CUSTODIAN_ROLES = (Role.REVIEWER, Role.LEADER)


class RevealApproval(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待批准"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="reveal_approvals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.CharField("事由", max_length=200)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("批准时间", null=True, blank=True)
    decision_note = models.CharField("意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "检举人身份查看审批"
        verbose_name_plural = "检举人身份查看审批"
        ordering = ["-requested_at", "-id"]

    def live(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.status == self.Status.APPROVED and self.decided_at is not None
                and now < self.decided_at + timedelta(hours=APPROVAL_HOURS))


def needs_approval(petition) -> bool:
    from xinfang.petitions.models import PetitionType

    return petition.petition_type == PetitionType.ACCUSATION


def approval_live(*, petition, user: User) -> RevealApproval | None:
    return next((approval for approval in RevealApproval.objects.filter(
        petition=petition, requested_by=user, status=RevealApproval.Status.APPROVED).order_by("-decided_at")
        if approval.live()), None)


def require_approval(*, petition, user: User) -> None:
    """For an accusation: an approval of another official, still live; else PermissionDenied saying how."""
    if needs_approval(petition) and approval_live(petition=petition, user=user) is None:
        raise PermissionDenied("检举控告件的信访人身份须经另一名信访部门审核员或领导干部批准后方可查看；"
                               "请先提出查看申请")


@transaction.atomic
def reveal_approval_request(*, petition, actor: User, reason: str) -> RevealApproval:
    from xinfang.petitions.selectors import petitions_visible_to
    from xinfang.petitions.services import can_reveal

    if not petitions_visible_to(user=actor).filter(pk=petition.pk).exists():
        raise PermissionDenied("无权查看该信访事项")
    if not can_reveal(actor=actor):
        raise PermissionDenied("您的角色无权查看完整个人信息")
    if not needs_approval(petition):
        raise ValidationError({"petition": ["只有检举控告件需要批准后查看信访人身份"]})
    if not reason.strip():
        raise ValidationError({"reason": ["申请查看检举人身份须填写事由"]})
    pending = RevealApproval.objects.filter(petition=petition, requested_by=actor,
                                            status=RevealApproval.Status.PENDING).first()
    if pending is not None:
        return pending
    approval = RevealApproval.objects.create(petition=petition, requested_by=actor, reason=reason.strip()[:200])
    audit_record(actor=actor, action="petitioner.reveal_requested", target=approval,
                 data={"petition": petition.number, "reason": approval.reason})
    return approval


def can_decide(*, approval: RevealApproval, actor: User) -> bool:
    from xinfang.petitions.selectors import petitions_visible_to

    return (actor.pk != approval.requested_by_id and actor.has_role(*CUSTODIAN_ROLES)
            and petitions_visible_to(user=actor).filter(pk=approval.petition_id).exists())


@transaction.atomic
def reveal_approval_decide(*, approval_id: int, actor: User, approve: bool, note: str = "") -> RevealApproval:
    approval = RevealApproval.objects.select_for_update().select_related("petition").get(pk=approval_id)
    if actor.pk == approval.requested_by_id:
        raise PermissionDenied("不能批准自己的查看申请")
    if not can_decide(approval=approval, actor=actor):
        raise PermissionDenied("批准查看检举人身份须由能看到该事项的信访部门审核员或领导干部办理")
    if approval.status != RevealApproval.Status.PENDING:
        raise ValidationError({"approval": [f"该申请已{approval.get_status_display()}"]})
    if not approve and not note.strip():
        raise ValidationError({"decision_note": ["不批准须说明理由"]})
    approval.status = RevealApproval.Status.APPROVED if approve else RevealApproval.Status.REFUSED
    approval.decided_by, approval.decided_at, approval.decision_note = actor, timezone.now(), note.strip()[:200]
    approval.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="petitioner.reveal_" + ("approved" if approve else "refused"), target=approval,
                 data={"petition": approval.petition.number, "requested_by": approval.requested_by.username})
    return approval


def approvals_pending_for(*, user: User):
    """The pending requests this user may decide (custodian roles, sees the matter, not his own)."""
    from xinfang.petitions.selectors import petitions_visible_to

    if not user.has_role(*CUSTODIAN_ROLES):
        return RevealApproval.objects.none()
    return (RevealApproval.objects.filter(status=RevealApproval.Status.PENDING,
                                          petition__in=petitions_visible_to(user=user).values("pk"))
            .exclude(requested_by=user).select_related("petition", "requested_by"))
