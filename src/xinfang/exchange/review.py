"""The clerk's review of an import's 疑似重复信访 (docs/IMPORT.md, "初件/重件 and 越级").

The import stores the judgement's proposals (`RepeatProposal`); a clerk confirms one (the petition becomes a
重件 through `matching.services.repeat_link`, which also decides 越级 again for the matter and audits) or
dismisses it. Nothing here changes a statistic except the confirmation, which is the clerk's act.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.exchange.models import RepeatProposal
from xinfang.matching.import_judgement import RepeatFinding
from xinfang.matching.services import LINK_ROLES, repeat_link
from xinfang.orgs.models import User
from xinfang.orgs.permissions import require_role
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to

CONFIRM_REASON = "导入后复核：确认为重复信访"


def proposals_store(*, findings: list[RepeatFinding], file_sha256: str) -> list[RepeatProposal]:
    """The import's proposals, one per petition (in the import's transaction)."""
    proposals = [RepeatProposal(
        petition_id=f.petition_id, candidate_id=f.candidate_id, first_petition_id=f.first_id,
        matter_score=f.matter_score, reasons=f.reason_text[:500], skip_level_note=f.skip_level_note[:300],
        file_sha256=file_sha256) for f in findings]
    return RepeatProposal.objects.bulk_create(proposals, batch_size=500)


def proposals_pending(*, actor: User) -> QuerySet[RepeatProposal]:
    """Proposals waiting for a clerk, both petitions visible to `actor` (Art 30: a hidden accusation is in none)."""
    visible = petitions_visible_to(user=actor)
    return (RepeatProposal.objects.filter(status=RepeatProposal.Status.PENDING, petition__in=visible,
                                          first_petition__in=visible, candidate__in=visible)
            .select_related("petition", "first_petition", "candidate").order_by("-id"))


def _pending_for(actor: User, proposal_id: int) -> RepeatProposal:
    proposal = (proposals_pending(actor=actor).select_for_update(of=("self",)).filter(pk=proposal_id).first())
    if proposal is None:
        raise RepeatProposal.DoesNotExist("待确认的疑似重复信访不存在，或无权查看")
    return proposal


def _decided(proposal: RepeatProposal, *, actor: User, status: str, reason: str) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, timezone.now()
    proposal.decision_reason = reason[:200]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def proposal_confirm(*, actor: User, proposal_id: int, reason: str = "") -> Petition:
    """Confirm: the petition becomes a 重件 of the proposed matter (repeat_link: chain, 越级, events, audit)."""
    require_role(actor, LINK_ROLES, action="确认重复信访")
    proposal = _pending_for(actor, proposal_id)
    text = (reason or "").strip() or CONFIRM_REASON
    petition = repeat_link(actor=actor, petition_id=proposal.petition_id, first_petition_id=proposal.candidate_id,
                           reason=text)
    _decided(proposal, actor=actor, status=RepeatProposal.Status.CONFIRMED, reason=text)
    return petition


@transaction.atomic
def proposal_dismiss(*, actor: User, proposal_id: int, reason: str) -> RepeatProposal:
    """Dismiss: not the same matter; nothing else changes (audited)."""
    require_role(actor, LINK_ROLES, action="排除疑似重复信访")
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": ["请填写理由"]})
    proposal = _pending_for(actor, proposal_id)
    _decided(proposal, actor=actor, status=RepeatProposal.Status.DISMISSED, reason=text)
    audit_record(actor=actor, action="exchange.repeat_proposal_dismiss", target=proposal.petition,
                 data={"proposal": proposal.pk, "first_petition": proposal.first_petition_id,
                       "matter_score": proposal.matter_score, "reason": text})
    return proposal

