"""Rule-specific effects, named in the rules table; they change the petition (saved by the service)."""


from xinfang.petitions.models import PetitionStatus
from xinfang.workflow.checks import ActionContext
from xinfang.workflow.models import Clock, Evaluation, JointAcceptance, Recusal


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


def set_assignee(ctx: ActionContext) -> None:
    ctx.petition.assignee = ctx.values["assignee"]


def set_outcome(ctx: ActionContext) -> None:
    ctx.petition.outcome = ctx.values["outcome"]


def set_mediated(ctx: ActionContext) -> None:
    ctx.petition.outcome = "mediated"


def record_evaluation(ctx: ActionContext) -> None:
    ctx.add_evaluation(Evaluation(
        petition=ctx.petition, rating=ctx.values["rating"], rated_by=ctx.values["rated_by"],
        entered_by=ctx.actor, rated_on=ctx.acted_on, comment=ctx.values.get("comment", ""),
    ))


def designate_acceptor(ctx: ActionContext) -> None:
    """Art 24: record the organs involved and the one designated; the matter goes to it (转送)."""
    current = ctx.petition.handling_org
    accepting = ctx.values["accepting_org"]
    record = JointAcceptance.objects.create(
        petition=ctx.petition, accepting_org=accepting, basis=ctx.values["acceptance_basis"],
        decided_by=ctx.actor.org, recorded_by=ctx.actor, decided_on=ctx.acted_on,
        reason=ctx.values.get("reason", ""),
    )
    record.involved_orgs.set({org.pk for org in (current, ctx.values["involved_org"], accepting) if org})
    ctx.petition.handling_org = accepting
    if ctx.petition.status == PetitionStatus.REGISTERED:
        ctx.petition.status = PetitionStatus.FORWARDED


def record_recusal(ctx: ActionContext) -> None:
    Recusal.objects.create(
        petition=ctx.petition, user=ctx.values["recused_user"], ground=ctx.values["recusal_ground"],
        reason=ctx.values["reason"], declared_by=ctx.actor, declared_on=ctx.acted_on,
    )


# The records an action writes beside its event, voided when the action is corrected (services.petition_correct).
RECORDS_OF_ACTION = {"designate_acceptor": JointAcceptance, "recuse": Recusal}


def void_action_records(*, petition, action: str) -> None:
    """Void the newest live record the corrected action wrote (one per action)."""
    model = RECORDS_OF_ACTION.get(action)
    if model is None:
        return
    record = model.objects.filter(petition=petition, voided=False).order_by("-id").first()
    if record is not None:
        record.voided = True
        record.save(update_fields=["voided"])


def run_effect(name: str, ctx: ActionContext) -> None:
    globals()[name](ctx)


