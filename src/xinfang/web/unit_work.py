"""What the case page shows of the work inside the handling unit: the 承办人, the draft awaiting the head,
the draft last returned, whether the user may attach evidence."""

from typing import Any

from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.petitions.services import EVIDENCE_STATES
from xinfang.quality.permissions import can_evaluate
from xinfang.workflow.fields import FIELDS
from xinfang.workflow.services import latest_live_event
from xinfang.workflow.rules import REPLY_FIELDS


def _shown(name: str, value: str) -> str:
    """A value as read: a choice by its label (处理结论 部分支持, not partly_supported)."""
    choices = FIELDS[name].choices
    return dict(choices.choices).get(value, value) if choices else value


def unit_work_context(*, petition: Petition, user: User) -> dict[str, Any]:
    draft = returned = None
    if petition.status == PetitionStatus.DRAFTED:
        event = latest_live_event(petition=petition, kind="draft_reply")
        if event is not None:
            values = event.data.get("values", {})
            draft = {"event": event, "fields": [(FIELDS[name].label, _shown(name, values.get(name, "")))
                                                for name in REPLY_FIELDS]}
    elif petition.status == PetitionStatus.ACCEPTED:
        event = latest_live_event(petition=petition, kind="return_draft")
        last_draft = latest_live_event(petition=petition, kind="draft_reply")
        if event is not None and (last_draft is None or last_draft.occurred_at <= event.occurred_at):
            returned = event  # returned and not yet drafted again
    on_handling_side = (user.org is not None and petition.handling_org_id is not None
                        and petition.handling_org_id in user.org.ancestor_ids)
    can_add_evidence = (petition.status in EVIDENCE_STATES and (user.is_superuser or (
        on_handling_side and user.has_role(Role.HANDLER, Role.HANDLING_ORG_HEAD))))
    return {"draft": draft, "returned_draft": returned, "can_add_evidence": can_add_evidence,
            "can_evaluate_quality": can_evaluate(user)}  # 首接首办 / 规范化评查 of this matter (docs/QUALITY.md)
