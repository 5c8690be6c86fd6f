"""The 《信访工作条例》 as one table of rules.

Each rule says, next to its article: from which states an action may be taken, the state it leads to, the
roles and the side (the registering office, the handling org, the reviewing org) that may take it, the
fields it requires, the clocks it starts, stops, pauses or extends, and the notice it issues. Rule-specific
checks and effects are small named functions below, so the table stays readable next to the law.
`services.petition_act` applies any rule; nothing else changes a petition's status.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from xinfang.orgs.models import Role
from xinfang.petitions.models import PetitionStatus as S
from xinfang.workflow.models import Clock, Notice

C = Clock.Kind


class Side(StrEnum):
    OFFICE = "office"  # the petition office that registered the matter (or the registering org itself)
    HANDLER = "handler"  # the organ the matter was forwarded or assigned to (责任单位) and units inside it
    REVIEWER = "reviewer"  # the organ reviewing (复查) or re-reviewing (复核) itself, never an org below it
    ANY = "any"  # anyone in scope with the role, for their own organ (e.g. recording a review request received)


@dataclass(frozen=True)
class Start:
    """Start a clock on the org named by `org` ("office", "handling" or "reviewing")."""

    kind: str
    org: str


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    article: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (or `effect` decides, as for objection_refuse)
    roles: tuple[str, ...]
    sides: tuple[Side, ...]
    fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()
    starts: tuple[Start, ...] = ()
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    extends: str | None = None  # the clock an approved extension lengthens (by the `days` field)
    needs_clock: str | None = None  # offered only while this clock runs (e.g. a report-back is due)
    notice: str | None = None
    checks: tuple[str, ...] = ()  # names of functions in workflow.checks
    effects: tuple[str, ...] = ()  # names of functions in workflow.effects
    # The action whose latest live event fills the fields not given (approve_reply takes the handler's draft).
    takes_values_of: str | None = None
    help: str = field(default="", compare=False)


OFFICE_STAFF = (Role.INTAKE_CLERK, Role.REVIEWER)
HANDLERS = (Role.HANDLER, Role.HANDLING_ORG_HEAD)
HEADS = (Role.HANDLING_ORG_HEAD,)
BEFORE_ACCEPTANCE = (S.REGISTERED, S.FORWARDED, S.ASSIGNED)
# Accepted and not yet decided: the handling clock runs (a hearing pauses it).
HANDLING = (S.ACCEPTED, S.IN_HEARING, S.DRAFTED)
REPLY_FIELDS = ("outcome", "facts", "decision", "legal_basis")
# A matter still in procedure: not rejected, redirected or final.
OPEN = (S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.OBJECTED, S.ACCEPTED, S.IN_HEARING, S.DRAFTED, S.REPLIED,
        S.DELIVERED, S.CLOSED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_RE_REVIEW)

RULES: tuple[Rule, ...] = (
    # --- Disposition by the petition office (Art 22) ------------------------------------------
    Rule("forward", "转送", "《信访工作条例》第二十二条", (S.REGISTERED,), S.FORWARDED,
         OFFICE_STAFF, (Side.OFFICE,), fields=("handling_org",),
         starts=(Start(C.ACCEPTANCE, "handling"), Start(C.OBJECTION, "handling")), stops=(C.DISPOSITION,),
         notice=Notice.Kind.FORWARDING, checks=("destination_allowed",), effects=("set_handling_org",),
         help="按属地管理、分级负责，谁主管、谁负责，转送有权处理的机关"),
    Rule("assign", "交办", "《信访工作条例》第二十二条", (S.REGISTERED,), S.ASSIGNED,
         (Role.REVIEWER,), (Side.OFFICE,), fields=("handling_org",), optional_fields=("report_days",),
         starts=(Start(C.ACCEPTANCE, "handling"), Start(C.OBJECTION, "handling"), Start(C.REPORT_BACK, "handling")),
         stops=(C.DISPOSITION,), notice=Notice.Kind.FORWARDING, checks=("destination_allowed",),
         effects=("set_handling_org",), help="重要信访事项交办，并要求报送办结报告"),
    Rule("reject", "不予受理", "《信访工作条例》第二十三条", BEFORE_ACCEPTANCE, S.REJECTED,
         OFFICE_STAFF + HANDLERS, (Side.OFFICE, Side.HANDLER), fields=("rejection_reason",),
         optional_fields=("reason",), stops=(C.DISPOSITION, C.ACCEPTANCE, C.OBJECTION, C.REPORT_BACK),
         notice=Notice.Kind.REJECTION, help="书面告知不予受理及理由"),
    Rule("redirect", "导入法定途径", "《信访工作条例》第二十二条第二款、第三十一条", BEFORE_ACCEPTANCE, S.REDIRECTED,
         OFFICE_STAFF + HANDLERS, (Side.OFFICE, Side.HANDLER), fields=("legal_pathway",),
         optional_fields=("pathway_org", "reason"),
         stops=(C.DISPOSITION, C.ACCEPTANCE, C.OBJECTION, C.REPORT_BACK), notice=Notice.Kind.REDIRECTION,
         checks=("pathway_org_fits",), effects=("set_legal_pathway",),
         help="依法分类处理：涉法涉诉事项导入诉讼等法定途径，告知信访人向有关机关提出"),
    Rule("refuse_repeat", "不再受理", "《信访工作条例》第三十六条第三款", (S.REGISTERED,), S.REJECTED,
         OFFICE_STAFF, (Side.OFFICE,), fields=("same_matter_as",), stops=(C.DISPOSITION,),
         notice=Notice.Kind.NO_LONGER_ACCEPTED, checks=("same_matter_is_final",),
         help="已复核终结的事项以同一事实和理由再次提出，不再受理"),
    # --- Objection to a forwarded matter (Art 23 ¶3) -----------------------------------------
    Rule("object", "退回（提出异议）", "《信访工作条例》第二十三条第三款", (S.FORWARDED, S.ASSIGNED), S.OBJECTED,
         HANDLERS, (Side.HANDLER,), fields=("reason",), stops=(C.OBJECTION,), needs_clock=C.OBJECTION,
         checks=("within_objection_window",), help="不属于本机关职权范围的，5个工作日内向转送机关提出异议并说明理由"),
    Rule("objection_agree", "同意退回", "《信访工作条例》第二十三条第三款", (S.OBJECTED,), S.REGISTERED,
         (Role.REVIEWER,), (Side.OFFICE,), stops=(C.ACCEPTANCE, C.REPORT_BACK),
         starts=(Start(C.DISPOSITION, "office"),), effects=("clear_handling_org",),
         help="转送机关核实同意后收回，重新处理"),
    Rule("objection_refuse", "不同意退回", "《信访工作条例》第二十三条第三款", (S.OBJECTED,), None,
         (Role.REVIEWER,), (Side.OFFICE,), fields=("reason",), effects=("restore_sent_state",),
         help="转送机关不同意的，责任单位应当受理"),
    # --- Acceptance and handling (Arts 23, 29–34) ---------------------------------------------
    Rule("accept", "受理", "《信访工作条例》第二十三条", (S.FORWARDED, S.ASSIGNED), S.ACCEPTED,
         HANDLERS, (Side.HANDLER,), starts=(Start(C.HANDLING, "handling"),),
         stops=(C.ACCEPTANCE, C.OBJECTION), notice=Notice.Kind.ACCEPTANCE, help="书面告知信访人受理"),
    Rule("fast_track", "简易办理", "地方工作规范（简易办理）", (S.ACCEPTED,), None,
         HEADS, (Side.HANDLER,), effects=("fast_track_target",), help="事实清楚、争议不大的简单事项按简易程序快办"),
    Rule("extend", "延期", "《信访工作条例》第三十四条", HANDLING, None,
         HEADS, (Side.HANDLER,), fields=("days", "reason"), extends=C.HANDLING, needs_clock=C.HANDLING,
         notice=Notice.Kind.EXTENSION, checks=("extension_possible", "extension_within_limit"),
         help="情况复杂的，经本机关负责人批准可适当延长，延长期限不得超过30日，并告知信访人延期理由"),
    Rule("hearing_start", "举行听证", "《信访工作条例》第三十一条第（六）项", (S.ACCEPTED,), S.IN_HEARING,
         HEADS, (Side.HANDLER,), optional_fields=("reason",), pauses=(C.HANDLING,),
         help="听证所需时间不计入办理期限"),
    Rule("hearing_end", "听证结束", "《信访工作条例》第三十一条第（六）项", (S.IN_HEARING,), S.ACCEPTED,
         HEADS, (Side.HANDLER,), optional_fields=("reason",), resumes=(C.HANDLING,)),
    Rule("mediate", "调解达成协议", "《信访工作条例》第三十三条", (S.ACCEPTED,), S.REPLIED,
         HEADS, (Side.HANDLER,), fields=("agreement",), stops=(C.HANDLING,), notice=Notice.Kind.DECISION,
         effects=("set_mediated",), help="经双方当事人同意调解达成协议的，制作调解协议书"),
    Rule("reply", "出具信访处理意见书", "《信访工作条例》第三十二条", (S.ACCEPTED,), S.REPLIED,
         HEADS, (Side.HANDLER,), fields=REPLY_FIELDS,
         stops=(C.HANDLING,), notice=Notice.Kind.DECISION, checks=("outcome_fits_type",),
         effects=("set_outcome",), help="载明信访人请求、事实和理由、处理意见及其法律法规依据"),
    # --- Work inside the handling unit (local practice: the head assigns, the handler drafts, the head signs) ---
    Rule("assign_handler", "指定承办人", "地方工作规范（首办责任）",
         (S.FORWARDED, S.ASSIGNED, *HANDLING, S.REPLIED, S.DELIVERED), None,
         HEADS, (Side.HANDLER,), fields=("assignee",), optional_fields=("reason",),
         checks=("assignee_fits",), effects=("set_assignee",),
         help="责任单位负责人指定本单位承办人，可以改派；承办人对办理负首办责任"),
    Rule("investigate", "调查核实记录", "《信访工作条例》第三十一条", HANDLING, None,
         HANDLERS, (Side.HANDLER,), fields=("investigation_method", "investigation_note"),
         help="办理中查阅资料、实地调查、走访询问、听取意见等，记入办理记录（可另附证据材料）"),
    Rule("draft_reply", "起草处理意见书（报审）", "《信访工作条例》第三十二条", (S.ACCEPTED,), S.DRAFTED,
         (Role.HANDLER,), (Side.HANDLER,), fields=REPLY_FIELDS, checks=("outcome_fits_type",),
         help="承办人起草信访处理意见书，报本机关负责人审核签发；办理期限照常计算"),
    Rule("approve_reply", "审核签发处理意见书", "《信访工作条例》第三十二条", (S.DRAFTED,), S.REPLIED,
         HEADS, (Side.HANDLER,), optional_fields=REPLY_FIELDS, takes_values_of="draft_reply",
         stops=(C.HANDLING,), notice=Notice.Kind.DECISION, checks=("outcome_fits_type",),
         effects=("set_outcome",), help="负责人审核承办人起草的意见书后签发（可以修改），以本机关名义出具"),
    Rule("return_draft", "退回修改意见书", "《信访工作条例》第三十二条", (S.DRAFTED,), S.ACCEPTED,
         HEADS, (Side.HANDLER,), fields=("reason",),
         help="负责人审核不同意的，写明修改意见退回承办人"),
    Rule("deliver", "送达", "《信访工作条例》第三十五条", (S.REPLIED,), S.DELIVERED,
         HANDLERS, (Side.HANDLER,), fields=("delivery_method",),
         starts=(Start(C.REVIEW_WINDOW, "handling"), Start(C.EVALUATION, "handling")),
         help="送达之日起，信访人可在30日内请求复查"),
    Rule("report_back", "报送办结报告", "《信访工作条例》第二十二条", (S.REPLIED, S.DELIVERED, S.CLOSED), None,
         HEADS, (Side.HANDLER,), fields=("report",), stops=(C.REPORT_BACK,), needs_clock=C.REPORT_BACK,
         help="交办事项办结后向交办机关报送办结报告"),
    Rule("evaluate", "满意度评价", "信访事项满意度评价规定（实践）", (S.DELIVERED, S.CLOSED), None,
         OFFICE_STAFF + HANDLERS, (Side.OFFICE, Side.HANDLER), fields=("rating", "rated_by"),
         optional_fields=("comment",), stops=(C.EVALUATION,), checks=("not_yet_evaluated",),
         effects=("record_evaluation",), help="信访人对办理情况评价：满意、基本满意、不满意"),
    Rule("close", "办结", "《信访工作条例》第三十四条", (S.DELIVERED,), S.CLOSED,
         HEADS, (Side.HANDLER,), help="处理意见已送达，办理程序完成"),
    # --- Review and re-review (Arts 35–36) -----------------------------------------------------
    Rule("request_review", "复查申请", "《信访工作条例》第三十五条", (S.DELIVERED, S.CLOSED), S.UNDER_REVIEW,
         OFFICE_STAFF + HANDLERS + HEADS, (Side.ANY,), fields=("reviewing_org",),
         stops=(C.REVIEW_WINDOW, C.EVALUATION), starts=(Start(C.REVIEW_DECISION, "reviewing"),),
         checks=("within_window:review_window", "reviewing_org_is_superior:handling"),
         effects=("set_review_org",),
         help="收到书面答复之日起30日内请求原办理机关的上一级机关（上一级人民政府或上一级主管部门）复查"),
    Rule("refuse_review", "复查申请不予受理", "《信访工作条例》第三十五条",
         (S.DELIVERED, S.CLOSED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_RE_REVIEW, S.FINAL), None,
         HEADS + (Role.REVIEWER,), (Side.ANY,), fields=("review_refusal_reason",), optional_fields=("reason",),
         notice=Notice.Kind.REVIEW_REFUSAL, checks=("not_the_organ_reviewed:review", "review_refusal_fits:review"),
         help="收到复查申请的机关书面告知不予受理及理由：超过申请期限、已经复查，或本机关不是原办理机关的上一级机关"),
    Rule("decide_review", "出具复查意见", "《信访工作条例》第三十五条", (S.UNDER_REVIEW,), S.REVIEWED,
         HEADS + (Role.REVIEWER,), (Side.REVIEWER,), fields=("review_outcome", "reasons"),
         stops=(C.REVIEW_DECISION,), starts=(Start(C.RE_REVIEW_WINDOW, "reviewing"),),
         notice=Notice.Kind.REVIEW,
         help="自收到复查请求之日起30日内提出复查意见，书面答复信访人"),
    Rule("request_re_review", "复核申请", "《信访工作条例》第三十六条", (S.REVIEWED,), S.UNDER_RE_REVIEW,
         OFFICE_STAFF + HANDLERS + HEADS, (Side.ANY,), fields=("reviewing_org",),
         stops=(C.RE_REVIEW_WINDOW,), starts=(Start(C.RE_REVIEW_DECISION, "reviewing"),),
         checks=("within_window:re_review_window", "reviewing_org_is_superior:reviewing"),
         effects=("set_re_review_org",),
         help="收到复查意见之日起30日内向复查机关的上一级机关请求复核"),
    Rule("refuse_re_review", "复核申请不予受理", "《信访工作条例》第三十六条",
         (S.REVIEWED, S.UNDER_RE_REVIEW, S.FINAL), None,
         HEADS + (Role.REVIEWER,), (Side.ANY,), fields=("review_refusal_reason",), optional_fields=("reason",),
         notice=Notice.Kind.RE_REVIEW_REFUSAL, checks=("not_the_organ_reviewed:re_review", "review_refusal_fits:re_review"),
         help="收到复核申请的机关书面告知不予受理及理由：超过申请期限、已经复核，或本机关不是复查机关的上一级机关"),
    Rule("re_review_hearing_start", "复核听证开始", "《信访工作条例》第三十六条", (S.UNDER_RE_REVIEW,), None,
         HEADS + (Role.REVIEWER,), (Side.REVIEWER,), optional_fields=("reason",), pauses=(C.RE_REVIEW_DECISION,),
         checks=("clock_paused:no",), help="复核机关可以举行听证，听证所需时间不计入复核期限"),
    Rule("re_review_hearing_end", "复核听证结束", "《信访工作条例》第三十六条", (S.UNDER_RE_REVIEW,), None,
         HEADS + (Role.REVIEWER,), (Side.REVIEWER,), optional_fields=("reason",), resumes=(C.RE_REVIEW_DECISION,),
         checks=("clock_paused:yes",)),
    Rule("decide_re_review", "出具复核意见", "《信访工作条例》第三十六条", (S.UNDER_RE_REVIEW,), S.FINAL,
         HEADS + (Role.REVIEWER,), (Side.REVIEWER,), fields=("review_outcome", "reasons"),
         stops=(C.RE_REVIEW_DECISION,), notice=Notice.Kind.RE_REVIEW,
         help="复核意见为终结意见；以同一事实和理由再次提出的，不再受理"),
    Rule("finalize", "终结（期满未申请）", "《信访工作条例》第三十六条（实践）", (S.DELIVERED, S.CLOSED, S.REVIEWED),
         S.FINAL, (Role.REVIEWER,) + HEADS, (Side.OFFICE, Side.HANDLER, Side.REVIEWER),
         stops=(C.REVIEW_WINDOW, C.RE_REVIEW_WINDOW, C.EVALUATION), checks=("window_passed",),
         help="复查或复核申请期届满未提出的，信访事项终结"),
    # --- 补录 beyond the window (local practice; services.check_late_entry) ---------------------------
    Rule("approve_late_entry", "批准补录", "地方工作规范（补录）", tuple(S), None,
         (Role.REVIEWER,), (Side.OFFICE,), fields=("late_action", "backdate_to", "reason"),
         checks=("late_entry_approvable",),
         help="办理日期早于录入日超过补录期限的，经信访部门审核员批准（写明理由），由办理单位按批准的操作和日期补录一次"),
    # --- Several organs, urgent matters, recusal, suggestions (Arts 24, 25, 28, 29) -------------------
    Rule("designate_acceptor", "确定受理机关（涉及多个机关）", "《信访工作条例》第二十四条", BEFORE_ACCEPTANCE, None,
         (Role.REVIEWER, Role.HANDLING_ORG_HEAD), (Side.OFFICE, Side.ANY),
         fields=("accepting_org", "involved_org", "acceptance_basis"), optional_fields=("reason",),
         stops=(C.DISPOSITION, C.ACCEPTANCE, C.OBJECTION),
         starts=(Start(C.ACCEPTANCE, "handling"), Start(C.OBJECTION, "handling")),
         notice=Notice.Kind.FORWARDING, checks=("joint_acceptance_fits",), effects=("designate_acceptor",),
         help="涉及两个或者两个以上机关的，由所涉及的机关协商受理；有争议的，由其共同的上一级机关决定；"
              "没有共同的上一级机关的，由信访工作联席会议协调处理。事项转送确定的受理机关，由它受理"),
    Rule("report_urgent", "报告重大紧急事项", "《信访工作条例》第二十五条", OPEN, None,
         OFFICE_STAFF + HANDLERS, (Side.OFFICE, Side.HANDLER, Side.REVIEWER),
         fields=("report_to_org", "urgent_report"), checks=("is_urgent", "urgent_report_fits"),
         help="可能造成社会影响的重大、紧急信访事项，及时报告本级党委和政府；信访部门同时向上一级信访部门报告"),
    Rule("recuse", "回避", "《信访工作条例》第二十八条", OPEN, None,
         OFFICE_STAFF + HANDLERS, (Side.OFFICE, Side.HANDLER, Side.REVIEWER),
         fields=("recused_user", "recusal_ground", "reason"), checks=("recusal_fits",), effects=("record_recusal",),
         help="工作人员与信访事项或者信访人有直接利害关系的，应当回避：本人申请，或由本机关负责人决定；"
              "回避后不能再办理本事项"),
    Rule("refer_relief", "救助告知或转介", "《信访工作条例》第三十七条",
         (S.ACCEPTED, S.IN_HEARING, S.DRAFTED, S.REPLIED, S.DELIVERED, S.CLOSED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_RE_REVIEW, S.FINAL),
         None, HANDLERS + HEADS, (Side.HANDLER, Side.REVIEWER), fields=("relief_kind", "relief_details"),
         help="信访人生活确有困难的，告知或者帮助其依法申请社会救助；符合国家司法救助条件的，协调有关机关给予司法救助"),
    Rule("assess_suggestion", "研究论证（建议意见）", "《信访工作条例》第二十九条第一款", (S.ACCEPTED,), None,
         HANDLERS, (Side.HANDLER,), fields=("assessment",), checks=("type_is:suggestion",),
         help="对建议意见类事项认真研究论证；科学合理、具有现实可行性的，采纳或者部分采纳，并在信访处理意见书中回复"),
    Rule("reward_suggestion", "建议奖励", "《信访工作条例》第二十九条第二款", (S.REPLIED, S.DELIVERED, S.CLOSED, S.FINAL),
         None, HEADS, (Side.HANDLER,), fields=("contribution", "reward"),
         checks=("type_is:suggestion", "suggestion_adopted", "not_yet_rewarded"),
         help="被采纳的建议意见对国民经济和社会发展、改进工作或保护社会公共利益有贡献的，按照有关规定给予奖励"),
)

RULES_BY_ACTION: dict[str, Rule] = {rule.action: rule for rule in RULES}


def rules_from(status: str) -> list[Rule]:
    return [rule for rule in RULES if status in rule.sources]


