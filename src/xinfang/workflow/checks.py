"""Rule-specific checks, named in the rules table. Each raises RuleViolation with the rule's article."""

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.db.models import Q
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus, PetitionType, Urgency
from xinfang.workflow.clocks import clock_set_target, clock_start
from xinfang.workflow.choices import LITIGATION_PATHWAYS, OUTCOMES_BY_TYPE, Outcome, ReviewRefusalReason
from xinfang.workflow.exceptions import AccusedUnitRefused, RuleViolation
from xinfang.workflow.models import Clock, Evaluation, JointAcceptance, Recusal
from xinfang.workflow.policy import current_policy
from xinfang.workflow.selectors import review_organs



@dataclass
class ActionContext:
    petition: Petition
    rule: Any  # rules.Rule (not imported: rules import models, checks are imported by services)
    actor: User
    values: dict[str, Any]
    acted_on: date
    running: dict[str, Clock]  # running clocks by kind, locked with the petition
    # The organ in whose name the action is taken and its notice issued (services.deciding_org), set when applied.
    issuing_org: Org | None = None
    saves: ClassVar[bool] = True  # clocks are saved as they change (the bulk import's replay: written later)

    def refuse(self, message: str, field: str | None = None) -> None:
        raise RuleViolation({field: [self.cite(message)]} if field else self.cite(message))

    def cite(self, message: str) -> str:
        return f"{message}（{self.rule.label}，{self.rule.article}）"

    def refuse_accused_unit(self, message: str, field: str, org: Org) -> None:
        """Art 30 ¶3: refused like any rule, and marked so that the attempt is recorded (RefusedDestination)."""
        raise AccusedUnitRefused(self.cite(message), field=field, org_id=org.pk)

    # What checks and effects read or add beyond the petition and its running clocks. The bulk import's
    # replay (exchange.replay.ReplayContext) answers these from the rows it is about to write.
    def petition_numbered(self, number: str) -> Petition | None:
        return Petition.objects.filter(number=number).first()

    def matter_is_final(self, root_id: int) -> bool:
        matter = Petition.objects.filter(Q(pk=root_id) | Q(first_petition_id=root_id))
        return matter.filter(status=PetitionStatus.FINAL).exists()

    def has_live_evaluation(self) -> bool:
        return Evaluation.objects.filter(petition=self.petition, voided=False).exists()

    def last_review_decision_org(self) -> Org | None:
        clock = (Clock.objects.filter(petition=self.petition, kind=Clock.Kind.REVIEW_DECISION, voided=False)
                 .select_related("org").order_by("-id").first())
        return clock.org if clock else None

    def add_evaluation(self, evaluation: Evaluation) -> None:
        evaluation.save()

    def set_clock_target(self, clock: Clock, kind_of_target: str) -> None:
        clock_set_target(clock=clock, kind_of_target=kind_of_target)

    def start_clock(self, *, kind: str, org: Org, started_on: date, length: int | None) -> Clock:
        return clock_start(petition=self.petition, kind=kind, org=org, started_on=started_on, length=length)


# Checks that read only the matter's state (no entered value, not the action's date), cheap enough to run for
# every button on the case page: an action they refuse now cannot apply, so it is not offered
# (services.actions_allowed runs the same functions; nothing is restated there).
STATE_CHECKS: set[str] = set()


def state_check(function):
    STATE_CHECKS.add(function.__name__)
    return function


def destination_allowed(ctx: ActionContext) -> None:
    org: Org = ctx.values["handling_org"]
    petition = ctx.petition
    if org.kind == Org.Kind.PETITION_OFFICE:
        ctx.refuse("应转送或交办给有权处理的机关，而不是信访部门", "handling_org")
    # Art 30 ¶3: an accusation never goes to the accused unit or a unit inside it.
    if petition.petition_type == PetitionType.ACCUSATION and petition.complained_org_id in org.ancestor_ids:
        ctx.refuse_accused_unit("检举控告类事项不得转送、交办给被检举控告的单位", "handling_org", org)
    # Art 22 ¶2 (诉访分离): litigation-related matters go to the political-legal organs.
    if petition.litigation_related and org.kind != Org.Kind.POLITICAL_LEGAL:
        ctx.refuse("涉法涉诉事项应转送同级政法机关，或导入法定途径", "handling_org")
    # Art 22: only an organ with the power to handle (有权处理机关, Org.may_handle) is a destination; a village
    # committee is none, and a matter sent there would wait for no one.
    if not org.may_handle:
        ctx.refuse(f"{org.name}不是有权处理信访事项的机关，不能作为责任单位，请转送或交办其上级有权处理的机关",
                   "handling_org")


def pathway_org_fits(ctx: ActionContext) -> None:
    pathway = ctx.values["legal_pathway"]
    org: Org | None = ctx.values.get("pathway_org")
    if pathway in LITIGATION_PATHWAYS and (org is None or org.kind != Org.Kind.POLITICAL_LEGAL):
        ctx.refuse("诉讼、检察、公安程序的事项应告知向政法机关提出，请选择受理的政法机关", "pathway_org")


def same_matter_is_final(ctx: ActionContext) -> None:
    number = ctx.values["same_matter_as"].upper()
    earlier = ctx.petition_numbered(number)
    if earlier is None or earlier.pk == ctx.petition.pk:
        ctx.refuse(f"未找到已终结的信访事项 {number}", "same_matter_as")
    # The matter is final when any of its petitions is: the first petition (初件) or one of its repeats.
    if not ctx.matter_is_final(earlier.first_petition_id or earlier.pk):
        ctx.refuse(f"{number} 所属事项尚未终结（当前：{earlier.get_status_display()}），应依程序处理", "same_matter_as")
    ctx.values["same_matter_as"] = number


def within_objection_window(ctx: ActionContext) -> None:
    clock = ctx.running.get(Clock.Kind.OBJECTION)
    if clock is None or ctx.acted_on > clock.statutory_due:
        ctx.refuse("已超过5个工作日的异议期限，应予受理或依程序处理")


@state_check
def extension_possible(ctx: ActionContext) -> None:
    """Art 34: some of the 30 days are left to extend by (the days asked for: extension_within_limit)."""
    clock = ctx.running.get(Clock.Kind.HANDLING)
    limit = current_policy().clocks[Clock.Kind.HANDLING].max_extension_days
    if clock is None:
        ctx.refuse("办理期限未在计算中，无法延期")
    if clock.extended_days >= limit:
        ctx.refuse(f"延长期限累计已达{limit}日，不能再延期")


def extension_within_limit(ctx: ActionContext) -> None:
    clock = ctx.running[Clock.Kind.HANDLING]  # extension_possible ran first
    limit = current_policy().clocks[Clock.Kind.HANDLING].max_extension_days
    if clock.extended_days + ctx.values["days"] > limit:
        ctx.refuse(f"延长期限累计不得超过{limit}日（已延长{clock.extended_days}日）", "days")


def outcome_fits_type(ctx: ActionContext) -> None:
    allowed = OUTCOMES_BY_TYPE[ctx.petition.petition_type]
    if ctx.values["outcome"] not in allowed:
        names = "、".join(Outcome(value).label for value in allowed)
        ctx.refuse(f"{ctx.petition.get_petition_type_display()}事项的处理意见应为：{names}", "outcome")


@state_check
def not_yet_evaluated(ctx: ActionContext) -> None:
    if ctx.has_live_evaluation():
        ctx.refuse("该事项已评价，不能重复评价")


def within_window(ctx: ActionContext, kind: str) -> None:
    clock = ctx.running.get(kind)
    if clock is None or ctx.acted_on > clock.statutory_due:
        due = f"（截止 {clock.statutory_due:%Y年%-m月%-d日}）" if clock else ""
        refusal = "复查" if kind == Clock.Kind.REVIEW_WINDOW else "复核"
        ctx.refuse(f"已超过申请期限{due}，应以“{refusal}申请不予受理”书面告知信访人")


def _decided_by(ctx: ActionContext, of: str) -> Org | None:
    """The organ whose decision is under review: the handling organ (复查), or the reviewing organ (复核)."""
    return ctx.petition.handling_org if of == "handling" else ctx.last_review_decision_org()


def _names(organs: list[Org]) -> str:
    return "或".join(organ.name for organ in organs) or "（机构树中没有）"


def reviewing_org_is_superior(ctx: ActionContext, of: str) -> None:
    """Art 35: review by the organ one level above the handling organ; Art 36: re-review one above the reviewer."""
    org: Org = ctx.values["reviewing_org"]
    below = _decided_by(ctx, of)
    organs = review_organs(decided_by=below) if below is not None else []
    if org.pk not in {organ.pk for organ in organs}:
        what, whose = ("复查", "原办理机关") if of == "handling" else ("复核", "复查机关")
        ctx.refuse(f"{what}机关应为{whose}{below.name if below else ''}的上一级机关：{_names(organs)}；"
                   f"{org.name}不是", "reviewing_org")


@state_check
def not_the_organ_reviewed(ctx: ActionContext, of: str) -> None:
    """The organ whose decision is reviewed (or one inside it) says nothing on the request, not even that it
    is the wrong organ: the request is about its own decision. A state check, so it is not even offered."""
    decided_by = _decided_by(ctx, "handling" if of == "review" else "reviewing")
    if decided_by is not None and ctx.actor.org is not None and decided_by.pk in ctx.actor.org.ancestor_ids:
        what = "复查" if of == "review" else "复核"
        ctx.refuse(f"{what}申请针对的是本机关（{decided_by.name}）的决定，本机关不能就该申请作出决定",
                   "review_refusal_reason")


def review_refusal_fits(ctx: ActionContext, of: str) -> None:
    """A review (re-review) request is refused by the organ that received it, for a reason that is true.

    Only the lawful reviewing organ examines a request (time limit, already decided): the organ whose decision
    is reviewed never decides on its review. Any other organ that receives one can only say it is not the organ.
    """
    first = of == "review"
    decided_by = _decided_by(ctx, "handling" if first else "reviewing")
    organs = review_organs(decided_by=decided_by) if decided_by is not None else []
    lawful = ctx.actor.org_id in {organ.pk for organ in organs}
    reason, status = ctx.values["review_refusal_reason"], ctx.petition.status
    what = "复查" if first else "复核"
    if reason == ReviewRefusalReason.WRONG_ORGAN:
        if lawful:
            ctx.refuse(f"本机关是{what}机关，不能以“{ReviewRefusalReason.WRONG_ORGAN.label}”为由不予受理",
                       "review_refusal_reason")
        return
    if not lawful:
        ctx.refuse(f"本机关不是{what}机关（应为{_names(organs)}），只能以“{ReviewRefusalReason.WRONG_ORGAN.label}”"
                   "为由告知", "review_refusal_reason")
    if first:
        # Accepted once already: a review clock was started (under review, reviewed, or final after a review).
        reviewed, window = ctx.last_review_decision_org() is not None, ctx.running.get(Clock.Kind.REVIEW_WINDOW)
        final_either_way = False
    else:
        reviewed, window = status != PetitionStatus.REVIEWED, ctx.running.get(Clock.Kind.RE_REVIEW_WINDOW)
        # Final after a review: re-reviewed, or the re-review window passed (finalize); either reason is true.
        final_either_way = status == PetitionStatus.FINAL
    if reason == ReviewRefusalReason.ALREADY_DECIDED and not reviewed:
        ctx.refuse(f"该信访事项尚未{what}", "review_refusal_reason")
    if reason == ReviewRefusalReason.OUT_OF_TIME:
        if reviewed and not final_either_way:
            ctx.refuse(f"该信访事项已经{what}，应以“{ReviewRefusalReason.ALREADY_DECIDED.label}”为由告知",
                       "review_refusal_reason")
        if window is not None and ctx.acted_on <= window.statutory_due:
            ctx.refuse(f"{what}申请期限尚未届满（截止 {window.statutory_due:%Y年%-m月%-d日}），应依法受理",
                       "review_refusal_reason")


@state_check
def clock_paused(ctx: ActionContext, expected: str) -> None:
    """A hearing starts only on a running clock and ends only a hearing that started."""
    clock = ctx.running.get(Clock.Kind.RE_REVIEW_DECISION)
    paused = clock is not None and clock.paused_since is not None
    if expected == "yes" and not paused:
        ctx.refuse("复核听证尚未开始")
    if expected == "no" and paused:
        ctx.refuse("复核听证已在进行中")


def window_passed(ctx: ActionContext) -> None:
    windows = [ctx.running[kind] for kind in (Clock.Kind.REVIEW_WINDOW, Clock.Kind.RE_REVIEW_WINDOW)
               if kind in ctx.running]
    if not windows or any(ctx.acted_on <= clock.statutory_due for clock in windows):
        ctx.refuse("复查（复核）申请期尚未届满，不能终结")


def is_state_check(name: str) -> bool:
    return name.partition(":")[0] in STATE_CHECKS


def late_entry_approvable(ctx: ActionContext) -> None:
    """An approval names a day on which the action could have been taken: not later than today's approval."""
    day = date.fromisoformat(ctx.values["backdate_to"])
    if day >= ctx.acted_on:
        ctx.refuse("批准补录的办理日期应早于批准之日", "backdate_to")
    if day < timezone.localtime(ctx.petition.received_at).date():
        ctx.refuse("补录的办理日期不能早于收到日期", "backdate_to")


def run_check(name: str, ctx: ActionContext) -> None:
    """Run a check named in the table; "name:arg" passes one argument."""
    function_name, _, argument = name.partition(":")
    function = globals()[function_name]
    function(ctx, argument) if argument else function(ctx)


# --- Arts 24, 25, 28, 29 ------------------------------------------------------------------------


def _refuse_in_import(ctx: ActionContext) -> None:
    # These actions write a record of their own (JointAcceptance, Recusal) or read earlier events; the bulk
    # import's replay writes rows later and cannot answer either yet, so it refuses them rather than lose them.
    if not ctx.saves:
        ctx.refuse("此操作暂不支持批量导入，请在案件页面办理")


def joint_acceptance_fits(ctx: ActionContext) -> None:
    """Art 24: the accepting organ is one of the organs involved, and it is decided by whom the basis says."""
    _refuse_in_import(ctx)
    accepting: Org = ctx.values["accepting_org"]
    involved: Org = ctx.values["involved_org"]
    basis = ctx.values["acceptance_basis"]
    current = ctx.petition.handling_org
    organs = {org.pk: org for org in (current, involved, accepting) if org is not None}
    if current is not None and involved.pk == current.pk:
        ctx.refuse(f"{involved.name}已是责任单位，请填写所涉及的另一机关", "involved_org")
    # A successor organ (Art 24 ¶2) may be a third one: it takes over the powers of an organ involved.
    if (current is not None and accepting.pk not in (current.pk, involved.pk)
            and basis != JointAcceptance.Basis.SUCCESSOR):
        ctx.refuse("受理机关应为所涉及的机关之一", "accepting_org")
    if len(organs) < 2:
        ctx.refuse("涉及两个或者两个以上机关的信访事项才需确定受理机关", "involved_org")
    for org in organs.values():
        if org.kind == Org.Kind.PETITION_OFFICE:
            ctx.refuse(f"{org.name}是信访部门，不是有权处理的机关", "accepting_org")
    # Art 30 ¶3: an accusation never goes to the accused unit, whoever designates.
    if (ctx.petition.petition_type == PetitionType.ACCUSATION
            and ctx.petition.complained_org_id in accepting.ancestor_ids):
        ctx.refuse_accused_unit("检举控告类事项不得由被检举控告的单位受理", "accepting_org", accepting)
    actor_org = ctx.actor.org
    if basis == JointAcceptance.Basis.SUPERIOR:
        # Their common superior decides: an organ above every organ involved, not one of them.
        common = all(actor_org.pk in org.ancestor_ids and actor_org.pk != org.pk for org in organs.values())
        if not (ctx.actor.is_superuser or common):
            ctx.refuse("受理有争议的，由所涉及机关共同的上一级机关决定；本机关不是它们共同的上一级机关",
                       "acceptance_basis")
    elif not (ctx.actor.is_superuser or ctx.actor.has_role(Role.REVIEWER)):
        # Agreement, the joint meeting's coordination (its office sits in the petition office) and a successor
        # organ are recorded by the petition office's reviewer.
        ctx.refuse("协商确定、联席会议协调或继续行使职权的机关受理，由信访部门审核员登记", "acceptance_basis")


def urgent_report_organs(org: Org) -> list[Org]:
    """Art 25: whom an organ reports a major, urgent matter to — the Party committee and government of its
    level and above (here: the governments above it) and the petition offices of the levels above."""
    above = [pk for pk in org.ancestor_ids if pk != org.pk]
    return list(
        Org.objects.filter(is_active=True)
        .filter(Q(pk__in=above, kind=Org.Kind.GOVERNMENT)
                | Q(parent_id__in=above, kind=Org.Kind.PETITION_OFFICE))
        .exclude(pk=org.pk).order_by("path")
    )


@state_check
def is_urgent(ctx: ActionContext) -> None:
    """Art 25: only a major or urgent matter is reported up (so the action is offered on those alone)."""
    if ctx.petition.urgency == Urgency.NORMAL:
        ctx.refuse("只有重大、紧急信访事项（紧急程度为紧急或特急）需要报告上级")


def urgent_report_fits(ctx: ActionContext) -> None:
    """Art 25: an urgent matter is reported to a government or petition office above."""
    receiving: Org = ctx.values["report_to_org"]
    organs = urgent_report_organs(ctx.actor.org) if ctx.actor.org else []
    if receiving.pk not in {organ.pk for organ in organs}:
        ctx.refuse(f"应当报告本级或上级党委和政府、上一级信访部门；{receiving.name}不是本机关的上级", "report_to_org")


def actor_recused(*, petition: Petition, user: User) -> bool:
    """Art 28: whether the user has recused himself, or been recused, from this matter."""
    return petition.pk is not None and Recusal.objects.filter(petition=petition, user=user, voided=False).exists()


def recusal_fits(ctx: ActionContext) -> None:
    """Art 28: a person declares his own interest, or the organ's head or reviewer recuses one of its staff."""
    _refuse_in_import(ctx)
    person: User = ctx.values["recused_user"]
    actor = ctx.actor
    if not person.is_active or person.org_id is None:
        ctx.refuse("回避人员不存在或已停用", "recused_user")
    if person.pk != actor.pk:
        if not (actor.is_superuser or actor.has_role(Role.HANDLING_ORG_HEAD, Role.REVIEWER)):
            ctx.refuse("他人回避由本机关负责人或信访部门审核员决定；本人可以申请自行回避", "recused_user")
        if not actor.is_superuser and (actor.org is None or actor.org_id not in person.org.ancestor_ids):
            ctx.refuse(f"{person.full_name or person.username}不是本机关的工作人员", "recused_user")
    if actor_recused(petition=ctx.petition, user=person):
        ctx.refuse(f"{person.full_name or person.username}已回避本事项", "recused_user")


def assignee_fits(ctx: ActionContext) -> None:
    """The 承办人 is a handler of the handling organ (or a unit inside it) who may see the matter and act on it."""
    from xinfang.petitions.selectors import petitions_visible_to  # selectors import the workflow models

    person: User = ctx.values["assignee"]
    name = person.full_name or person.username
    handling = ctx.petition.handling_org
    if person.org_id is None or handling is None or handling.pk not in person.org.ancestor_ids:
        ctx.refuse(f"{name}不是责任单位的工作人员", "assignee")
    if not person.has_role(Role.HANDLER):
        ctx.refuse(f"{name}没有承办人角色", "assignee")
    if actor_recused(petition=ctx.petition, user=person):
        ctx.refuse(f"{name}已回避本事项（《信访工作条例》第二十八条）", "assignee")
    if not petitions_visible_to(user=person).filter(pk=ctx.petition.pk).exists():
        ctx.refuse(f"{name}无权查看本事项（《信访工作条例》第三十条）", "assignee")
    if ctx.petition.assignee_id == person.pk:
        ctx.refuse(f"{name}已是本事项的承办人", "assignee")


@state_check
def type_is(ctx: ActionContext, petition_type: str) -> None:
    if ctx.petition.petition_type != petition_type:
        ctx.refuse(f"此操作只适用于{PetitionType(petition_type).label}事项"
                   f"（本事项为{ctx.petition.get_petition_type_display()}）")


@state_check
def suggestion_adopted(ctx: ActionContext) -> None:
    """Art 29 ¶2: a reward follows a suggestion adopted (in part or whole) in the reply."""
    if ctx.petition.outcome not in (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED):
        ctx.refuse("只有被采纳或部分采纳的建议意见才能给予奖励")


@state_check
def not_yet_rewarded(ctx: ActionContext) -> None:
    _refuse_in_import(ctx)
    events = PetitionEvent.objects.filter(petition=ctx.petition)
    corrected = {event.data.get("corrects") for event in events.filter(kind="correct")}
    if any(pk not in corrected for pk in events.filter(kind=ctx.rule.action).values_list("pk", flat=True)):
        ctx.refuse("该建议意见已给予奖励")
