"""The case page's 办理结果: what the procedure decided, read from the records the workflow writes.

The outcome of each step lives in the action's event (`data.values`, `data.acted_on`, `data.notice`), the
notice it issued (the deciding organ) and the evaluations. An action undone by a correction
(workflow.services.petition_correct) says nothing about the matter any more, so its event is skipped; a
voided evaluation is listed as 已作废, never as the current rating.
"""

from dataclasses import dataclass, field
from datetime import date

from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.workflow.choices import DeliveryMethod, Outcome, RatedBy, Rating, ReviewOutcome, ReviewRefusalReason
from xinfang.workflow.models import Evaluation, Notice


@dataclass(frozen=True)
class Step:
    """One outcome line: what was decided, by which organ, on which (legal) day, under which notice."""

    title: str
    org: str = ""
    conclusion: str = ""
    acted_on: date | None = None
    notice: str = ""
    detail: str = ""


@dataclass
class CaseOutcomes:
    decision: Step | None = None
    delivery: Step | None = None
    evaluation: Evaluation | None = None  # the current (live) rating
    voided_evaluations: list[Evaluation] = field(default_factory=list)
    reviews: list[Step] = field(default_factory=list)  # 复查 and 复核: requests, opinions, refusals, finality

    @property
    def any(self) -> bool:
        return bool(self.decision or self.delivery or self.evaluation or self.voided_evaluations or self.reviews)


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _acted_on(event: PetitionEvent) -> date | None:
    raw = (event.data or {}).get("acted_on")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _org_name(value) -> str:
    return value.get("name", "") if isinstance(value, dict) else ""


def live_events(events: list[PetitionEvent]) -> list[PetitionEvent]:
    """The events no correction has undone, oldest first (corrections name the event they undo)."""
    corrected = {(event.data or {}).get("corrects") for event in events if event.kind == "correct"}
    return [event for event in events if event.pk not in corrected and event.kind != "correct"]


def _issuer(notices: dict[str, Notice], event: PetitionEvent) -> tuple[str, str]:
    """(notice number, name of the organ it was issued in the name of) of the event's notice."""
    notice = notices.get((event.data or {}).get("notice") or "")
    if notice is None:
        return "", event.actor_org.name if event.actor_org else ""
    return notice.number, notice.issuing_org.name


REVIEW_STEPS = {
    # event kind → (title, which stage)
    "request_review": "复查申请",
    "decide_review": "复查意见",
    "refuse_review": "复查申请不予受理",
    "request_re_review": "复核申请",
    "decide_re_review": "复核意见（终结）",
    "refuse_re_review": "复核申请不予受理",
    "finalize": "终结（期满未申请复查或复核）",
}


def case_outcomes(*, petition: Petition, events: list[PetitionEvent]) -> CaseOutcomes:
    """The outcomes of one petition; `events` its events (any order is fine: sorted here)."""
    events = live_events(sorted(events, key=lambda event: (event.occurred_at, event.pk)))
    notices = {notice.number: notice for notice in
               petition.notices.filter(voided=False).select_related("issuing_org")}
    result = CaseOutcomes()
    for event in events:
        values = (event.data or {}).get("values") or {}
        if event.kind in ("reply", "mediate", "approve_reply"):  # approve_reply: the head signed the draft
            number, org = _issuer(notices, event)
            outcome = Outcome.MEDIATED if event.kind == "mediate" else values.get("outcome")
            result.decision = Step(title="处理意见", org=org, conclusion=_label(Outcome, outcome),
                                   acted_on=_acted_on(event), notice=number)
        elif event.kind == "deliver":
            result.delivery = Step(title="送达", org=event.actor_org.name if event.actor_org else "",
                                   conclusion=_label(DeliveryMethod, values.get("delivery_method")),
                                   acted_on=_acted_on(event))
        elif event.kind in REVIEW_STEPS:
            number, org = _issuer(notices, event)
            if event.kind in ("request_review", "request_re_review"):
                # The request names the organ asked to review; the event's org is only who recorded it.
                result.reviews.append(Step(title=REVIEW_STEPS[event.kind], org=_org_name(values.get("reviewing_org")),
                                           conclusion="已受理", acted_on=_acted_on(event)))
            elif event.kind in ("decide_review", "decide_re_review"):
                result.reviews.append(Step(title=REVIEW_STEPS[event.kind], org=org,
                                           conclusion=_label(ReviewOutcome, values.get("review_outcome")),
                                           acted_on=_acted_on(event), notice=number,
                                           detail=str(values.get("reasons") or "")))
            elif event.kind in ("refuse_review", "refuse_re_review"):
                result.reviews.append(Step(title=REVIEW_STEPS[event.kind], org=org,
                                           conclusion=_label(ReviewRefusalReason, values.get("review_refusal_reason")),
                                           acted_on=_acted_on(event), notice=number,
                                           detail=str(values.get("reason") or "")))
            else:
                result.reviews.append(Step(title=REVIEW_STEPS[event.kind], org=org, acted_on=_acted_on(event)))
    evaluations = list(petition.evaluations.order_by("rated_on", "id"))
    live = [evaluation for evaluation in evaluations if not evaluation.voided]
    result.evaluation = live[-1] if live else None
    result.voided_evaluations = [evaluation for evaluation in evaluations if evaluation.voided]
    for evaluation in evaluations:
        # Labels for the template (the model stores codes; choices live in workflow.choices).
        evaluation.rating_label = _label(Rating, evaluation.rating)
        evaluation.rated_by_label = _label(RatedBy, evaluation.rated_by)
    return result
