"""Rule-specific effects, named in the rules table; they change the petition (saved by the service)."""


from xinfang.petitions.models import PetitionStatus
from xinfang.workflow.checks import ActionContext
from xinfang.workflow.models import Clock, Evaluation


def set_handling_org(ctx: ActionContext) -> None:
    ctx.petition.handling_org = ctx.values["handling_org"]


def clear_handling_org(ctx: ActionContext) -> None:
    ctx.petition.handling_org = None


def set_review_org(ctx: ActionContext) -> None:
    ctx.petition.review_org = ctx.values["reviewing_org"]


def set_re_review_org(ctx: ActionContext) -> None:
    ctx.petition.re_review_org = ctx.values["reviewing_org"]


def restore_sent_state(ctx: ActionContext) -> None:
    # Back to what the matter was before the objection: assigned if a report-back is due, else forwarded.
    assigned = Clock.Kind.REPORT_BACK in ctx.running
    ctx.petition.status = PetitionStatus.ASSIGNED if assigned else PetitionStatus.FORWARDED


def set_legal_pathway(ctx: ActionContext) -> None:
    ctx.petition.legal_pathway = ctx.values["legal_pathway"]


def fast_track_target(ctx: ActionContext) -> None:
    clock = ctx.running.get(Clock.Kind.HANDLING)
    if clock is not None:
        ctx.set_clock_target(clock, "fast_track")


def set_outcome(ctx: ActionContext) -> None:
    ctx.petition.outcome = ctx.values["outcome"]


def set_mediated(ctx: ActionContext) -> None:
    ctx.petition.outcome = "mediated"


def record_evaluation(ctx: ActionContext) -> None:
    ctx.add_evaluation(Evaluation(
        petition=ctx.petition, rating=ctx.values["rating"], rated_by=ctx.values["rated_by"],
        entered_by=ctx.actor, rated_on=ctx.acted_on, comment=ctx.values.get("comment", ""),
    ))


def run_effect(name: str, ctx: ActionContext) -> None:
    globals()[name](ctx)


