"""The inboxes (待办): the matters waiting on a user or the user's org, by step of the procedure.

"Waiting on me" is the rules table read as a queryset: a step is a set of procedural actions on a set of
statuses; a matter is in the user's step when the user holds a role of one of those actions and is on the
action's side (the office that registered it, the handling org or an org inside it, the reviewing organ).
`workflow.services.actions_allowed` answers the same question for one petition; it is too slow for a list,
and tests/supervision/test_inbox.py proves both agree on a fixture. Everything starts from
`petitions_visible_to` (Art 30: an accusation never reaches the accused unit).

Inside the handling unit the head assigns a 承办人 (assign_handler): a handler who is not a head then sees only
the matters assigned to him or to nobody, and his own drafts while they wait for the head (read only). The
steps that are records rather than petitions (督办, 三项建议, 批示) and the supervisor's overdue matters are in
inbox_records.py.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus as S
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.workflow.clocks import ClockState, clock_state
from xinfang.workflow.models import Clock, Evaluation, Recusal
from xinfang.workflow.rules import RULES_BY_ACTION, Side


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    statuses: tuple[str, ...]
    side: Side
    actions: tuple[str, ...]  # the procedural actions of the step (records such as 回避 are no step)
    clocks: tuple[str, ...]  # the deadlines that run while the matter waits at this step
    help: str


STEPS: tuple[Step, ...] = (
    Step("dispatch", "待转送交办", (S.REGISTERED, S.OBJECTED), Side.OFFICE,
         ("forward", "assign", "reject", "redirect", "refuse_repeat", "objection_agree", "objection_refuse"),
         (Clock.Kind.DISPOSITION,), "已登记、尚未转送交办（或责任单位退回待定）的事项，由登记的信访部门处理"),
    Step("accept", "待受理", (S.FORWARDED, S.ASSIGNED), Side.HANDLER, ("accept", "object"),
         (Clock.Kind.ACCEPTANCE,), "已转送或交办到本单位、受理告知期限在计时的事项"),
    Step("handling", "办理中", (S.ACCEPTED, S.IN_HEARING), Side.HANDLER,
         ("fast_track", "extend", "hearing_start", "hearing_end", "mediate", "reply", "draft_reply",
          "assess_suggestion", "refer_relief"),
         (Clock.Kind.HANDLING,), "本单位已受理、办理期限在计时的事项（含负责人退回修改的意见书）"),
    Step("review_draft", "待审核意见书", (S.DRAFTED,), Side.HANDLER, ("approve_reply", "return_draft"),
         (Clock.Kind.HANDLING,), "承办人起草、待本单位负责人审核签发的处理意见书（办理期限照常计算）"),
    Step("deliver", "待送达", (S.REPLIED,), Side.HANDLER, ("deliver", "report_back"),
         (Clock.Kind.REPORT_BACK,), "已出具处理意见书、尚未送达信访人的事项"),
    Step("evaluate", "待评价", (S.DELIVERED,), Side.HANDLER, ("evaluate", "close"),
         (Clock.Kind.EVALUATION,), "意见书已送达、评价期内尚未评价或办结的事项（登记的信访部门和责任单位）"),
    Step("review", "复查/复核待办", (S.UNDER_REVIEW, S.UNDER_RE_REVIEW), Side.REVIEWER,
         ("decide_review", "decide_re_review", "re_review_hearing_start", "re_review_hearing_end"),
         (Clock.Kind.REVIEW_DECISION, Clock.Kind.RE_REVIEW_DECISION), "向本机关申请复查、复核的事项"),
)
STEPS_BY_KEY = {step.key: step for step in STEPS}
STEP_LABELS = {step.key: step.label for step in STEPS}


def step_of_status(status: str) -> Step | None:
    return next((step for step in STEPS if status in step.statuses), None)


def _roles_for(step: Step, status: str, side: Side) -> set[str]:
    """The roles of the step's actions that start from `status` and are taken on `side` (the rules table)."""
    roles: set[str] = set()
    for action in step.actions:
        rule = RULES_BY_ACTION[action]
        if status in rule.sources and side in rule.sides:
            roles.update(rule.roles)
    return roles


# The steps at which a handler who is not a head sees only his own matters and the unassigned ones.
ASSIGNED_STEPS = ("accept", "handling", "deliver", "evaluate")
ASSIGNABLE = RULES_BY_ACTION["assign_handler"].sources


def is_plain_handler(user: User) -> bool:
    """A 承办人 without the head's role: he works on what the head gave him (or nobody yet)."""
    return (not user.is_superuser and user.has_role(Role.HANDLER)
            and not user.has_role(Role.HANDLING_ORG_HEAD))


def unassigned_q() -> Q:
    """At the handling unit and not yet given to a 承办人 (the head's 未指定承办人)."""
    return Q(status__in=ASSIGNABLE, handling_org__isnull=False, assignee__isnull=True)


def _own_draft_q(user: User) -> Q:
    # His draft awaiting the head: assigned to him, or unassigned and drafted by him.
    drafted_by_him = PetitionEvent.objects.filter(petition=OuterRef("pk"), kind="draft_reply", actor=user)
    return Q(assignee=user) | (Q(assignee__isnull=True) & Exists(drafted_by_him))


def _side_q(side: Side, user: User) -> Q:
    """As workflow.services._on_side, for a queryset."""
    org = user.org
    if side == Side.OFFICE:
        q = Q(registering_org_id=org.pk)
        if org.kind == Org.Kind.PETITION_OFFICE:
            q |= Q(registering_org_id__in=user_scope_org_ids(user=user) or [])
        return q
    if side == Side.HANDLER:
        return Q(handling_org_id__in=org.ancestor_ids)
    if side == Side.REVIEWER:
        return (Q(status=S.UNDER_REVIEW, review_org_id=org.pk)
                | Q(status=S.UNDER_RE_REVIEW, re_review_org_id=org.pk))
    raise ValueError(side)


def _step_sides(step: Step) -> tuple[Side, ...]:
    # 待评价: the rating is recorded by the office or the handling org (evaluate), the head closes (close).
    return (Side.OFFICE, Side.HANDLER) if step.key == "evaluate" else (step.side,)


def step_q(step: Step, user: User) -> Q:
    """The matters of this step waiting on this user (no Q matches when nothing does)."""
    q = Q(pk__in=[])
    for status in step.statuses:
        for side in _step_sides(step):
            roles = _roles_for(step, status, side)
            if not (user.is_superuser or user.has_role(*roles)):
                continue
            status_q = Q(status=status) & _side_q(side, user)
            if step.key == "evaluate" and not (user.is_superuser or user.has_role(*RULES_BY_ACTION["close"].roles)
                                               and side == Side.HANDLER):
                # Only the rating is left to the office and a handler: not once it is rated.
                status_q &= ~Exists(Evaluation.objects.filter(petition=OuterRef("pk"), voided=False))
            if side == Side.HANDLER and step.key in ASSIGNED_STEPS and is_plain_handler(user):
                status_q &= Q(assignee__isnull=True) | Q(assignee=user)
            q |= status_q
    if step.key == "review_draft" and is_plain_handler(user):
        # Read only: the handler knows his draft is with the head.
        q |= Q(status=S.DRAFTED) & _side_q(Side.HANDLER, user) & _own_draft_q(user)
    return q


def inbox_queryset(*, user: User) -> QuerySet[Petition]:
    """Every matter waiting on the user, annotated with its step (`step_order`) and due date (`due`)."""
    if user is None or not user.is_authenticated or user.org_id is None:
        return Petition.objects.none()
    waiting = Q(pk__in=[])
    for step in STEPS:
        waiting |= step_q(step, user)
    step_order = Case(*[When(status__in=step.statuses, then=Value(index)) for index, step in enumerate(STEPS)],
                      output_field=IntegerField())
    due = Case(*[When(status__in=step.statuses, then=Subquery(
        Clock.objects.filter(petition=OuterRef("pk"), kind__in=step.clocks, stopped_on__isnull=True, voided=False)
        .order_by("statutory_due").values("statutory_due")[:1])) for step in STEPS])
    recused = Recusal.objects.filter(petition=OuterRef("pk"), user=user, voided=False)
    return (petitions_visible_to(user=user).filter(waiting).exclude(Exists(recused))
            .annotate(step_order=step_order, due=due))


# Each sortable column, then the due date (nearest first) and the id, so the order is total.
SORTS = {"due": "due", "number": "number", "step": "step_order", "handling_org": "handling_org__name",
         "assignee": "assignee__full_name", "channel": "channel"}


def inbox_order(queryset: QuerySet[Petition], sort: str) -> QuerySet[Petition]:
    """Overdue first, then by due date (the earliest due is the most overdue); or by a column ("-" descending)."""
    descending = sort.startswith("-")
    field = F(SORTS.get(sort.lstrip("-"), "due"))
    first = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return queryset.order_by(first, F("due").asc(nulls_last=True), "id")


def step_counts(queryset: QuerySet[Petition]) -> dict[str, int]:
    """The number of matters at each step of an inbox queryset."""
    counts = dict.fromkeys(STEPS_BY_KEY, 0)
    for row in queryset.order_by().values("step_order").annotate(n=Count("id")):
        counts[STEPS[row["step_order"]].key] = row["n"]
    return counts


def inbox_total(*, user: User, cap: int | None = None) -> int:
    """The navigation's number: every step's count, the records' and the supervisor's steps included.

    `cap`: count the matters only up to that many (the navigation shows "999+"): the menu is on every page, and an
    office with a million matters waiting (a backlog imported at once) would otherwise count them all on each page
    (0.8 s on PostgreSQL at 1,000,000, docs/PERFORMANCE.md)."""
    from xinfang.supervision.inbox_records import extra_counts  # they read the records, which read petitions

    if user is None or not user.is_authenticated or user.org_id is None:
        return 0
    matters = inbox_queryset(user=user).order_by()
    count = matters.count() if cap is None else matters.values("pk")[:cap].count()
    return count + sum(extra_counts(user=user).values())


@dataclass(frozen=True)
class ReturnedDraft:
    """The head's return of the handler's draft (return_draft): who, when, why."""

    by: str
    on: date
    reason: str


@dataclass(frozen=True)
class Row:
    petition: Petition
    step: Step
    deadline: ClockState | None
    returned: ReturnedDraft | None = None  # 意见书被退回: back at 办理中 with the head's reason
    read_only: bool = False  # the handler's own draft, waiting for the head


def _returned_drafts(petitions: list[Petition]) -> dict[int, ReturnedDraft]:
    """For matters at 办理中: the head's return, when it came after the latest draft (corrections left out)."""
    ids = [p.pk for p in petitions if p.status == S.ACCEPTED]
    events = list(PetitionEvent.objects.filter(petition_id__in=ids, kind__in=("draft_reply", "return_draft",
                                                                               "correct"))
                  .select_related("actor").order_by("occurred_at", "id"))
    corrected = {event.data.get("corrects") for event in events if event.kind == "correct"}
    latest: dict[int, PetitionEvent] = {}
    for event in events:
        if event.kind != "correct" and event.pk not in corrected:
            latest[event.petition_id] = event
    return {pk: ReturnedDraft(event.actor.full_name or event.actor.username if event.actor else "",
                              timezone.localdate(event.occurred_at), event.note)
            for pk, event in latest.items() if event.kind == "return_draft"}


def inbox_rows(petitions: list[Petition], *, today: date, user: User) -> list[Row]:
    """The page's rows, each with its step, the state of the step's nearest deadline and a returned draft."""
    clocks: dict[int, list[Clock]] = {}
    for clock in (Clock.objects.filter(petition_id__in=[p.pk for p in petitions], stopped_on__isnull=True,
                                       voided=False).order_by("statutory_due")):
        clocks.setdefault(clock.petition_id, []).append(clock)
    returned = _returned_drafts(petitions)
    heads = user.is_superuser or user.has_role(*RULES_BY_ACTION["approve_reply"].roles)
    rows = []
    for petition in petitions:
        step = step_of_status(petition.status)
        clock = next((c for c in clocks.get(petition.pk, []) if c.kind in step.clocks), None)
        rows.append(Row(petition, step, clock_state(clock=clock, today=today) if clock else None,
                        returned.get(petition.pk), read_only=step.key == "review_draft" and not heads))
    return rows

