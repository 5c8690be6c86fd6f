"""Applying the rules table: one generic service, one transaction per action."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.selectors import calendar_for_org
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus, PetitionType
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.stats import rollup as stats_rollup
from xinfang.workflow.checks import ActionContext, actor_recused, is_state_check, run_check
from xinfang.workflow.choices import InvestigationMethod
from xinfang.workflow.clocks import (
    clock_extend,
    clock_pause,
    clock_recompute_one,
    clock_resume,
    clock_stop,
)
from xinfang.workflow.effects import run_effect, void_action_records
from xinfang.workflow.exceptions import AccusedUnitRefused, ActionNotPermitted, RuleViolation, StaleVersion
from xinfang.workflow.fields import LATE_ENTRY_FIELDS, parse_values, serialisable
from xinfang.workflow.models import Clock, Evaluation, LateEntry, Notice, RefusedDestination
from xinfang.workflow.policy import current_policy
from xinfang.workflow.rules import RULES_BY_ACTION, Rule, Side, rules_from

NOTICE_CODES = {
    Notice.Kind.ACCEPTANCE: "SL", Notice.Kind.REJECTION: "BSL", Notice.Kind.FORWARDING: "ZS",
    Notice.Kind.REDIRECTION: "DR", Notice.Kind.EXTENSION: "YQ", Notice.Kind.DECISION: "YJ",
    Notice.Kind.REVIEW: "FC", Notice.Kind.RE_REVIEW: "FH", Notice.Kind.NO_LONGER_ACCEPTED: "BZSL",
    Notice.Kind.REVIEW_REFUSAL: "FCBSL", Notice.Kind.RE_REVIEW_REFUSAL: "FHBSL",
}


# Entering an action late is local practice (the Regulation sets the time limits the legal date is held to).
LATE_ENTRY_ARTICLE = "地方工作规范（补录）"

CORRECTABLE_FIELDS = ("status", "handling_org_id", "review_org_id", "re_review_org_id", "outcome", "legal_pathway",
                      "assignee_id")
# What an action may change on the petition row, and so what it saves.
SAVED_FIELDS = ("status", "handling_org", "review_org", "re_review_org", "outcome", "legal_pathway", "assignee")
CLOCK_STATE_FIELDS = ("stopped_on", "paused_since", "paused_days", "extended_days")


def _field_value(petition: Petition, name: str) -> Any:
    return getattr(petition, name)


def _clock_snapshot(clock: Clock) -> dict[str, Any]:
    state = {name: getattr(clock, name) for name in CLOCK_STATE_FIELDS}
    return {"id": clock.pk, **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in state.items()}}


def _running_clocks(petition: Petition) -> dict[str, Clock]:
    # of=("self",): lock the clocks only. Without it PostgreSQL also locks the joined org rows FOR UPDATE, which
    # blocks every other transaction's (deferred) foreign-key check on that org at COMMIT while this one waits for
    # the audit chain head: deadlocks under concurrent registrations and actions (bench/load.sh, 50 users).
    return {clock.kind: clock for clock in
            Clock.objects.select_for_update(of=("self",)).filter(petition=petition, stopped_on__isnull=True)
            .select_related("org")}


def _on_side(*, side: Side, petition: Petition, actor: User, running: dict[str, Clock]) -> bool:
    org = actor.org
    if org is None:
        return False
    if side == Side.OFFICE:
        if org.pk == petition.registering_org_id:
            return True
        scope = user_scope_org_ids(user=actor) or []
        return org.kind == Org.Kind.PETITION_OFFICE and petition.registering_org_id in scope
    if side == Side.HANDLER:
        return petition.handling_org_id is not None and petition.handling_org_id in org.ancestor_ids
    if side == Side.REVIEWER:
        # The reviewing organ itself (Arts 35, 36): not an org below it, such as the organ whose decision is
        # under review, which sits below its reviewer in the tree.
        deciding = _deciding_clock(running)
        return deciding is not None and deciding.org_id == org.pk
    return True  # Side.ANY: scope is checked when the petition is fetched


def _deciding_clock(running: dict[str, Clock]) -> Clock | None:
    return running.get(Clock.Kind.REVIEW_DECISION) or running.get(Clock.Kind.RE_REVIEW_DECISION)


def deciding_org(*, rule: Rule, petition: Petition, actor: User, running: dict[str, Clock]) -> Org:
    """The organ that decides, in whose name the action's notice is issued: the organ of the actor's side.

    Not simply actor.org: a clerk of a unit inside the handling organ acts for that organ, and the notice of a
    review is the reviewing organ's. A superuser, on no side, acts for the rule's first side.
    """
    sides = [side for side in rule.sides if _on_side(side=side, petition=petition, actor=actor, running=running)]
    side = sides[0] if sides else rule.sides[0]
    if side == Side.HANDLER and petition.handling_org is not None:
        return petition.handling_org
    if side == Side.REVIEWER and _deciding_clock(running) is not None:
        return _deciding_clock(running).org
    own = actor.org
    if side == Side.OFFICE and (own is None or (own.kind != Org.Kind.PETITION_OFFICE
                                                and own.pk != petition.registering_org_id)):
        return petition.registering_org
    return own or petition.registering_org


# Records anyone of the unit may make on a matter assigned to another: one's own recusal, an urgent report.
ANY_HANDLER_ACTIONS = ("recuse", "report_urgent")


def held_by_another_handler(*, rule: Rule, petition: Petition, actor: User, running: dict[str, Clock]) -> bool:
    """Once the head has assigned a 承办人, the unit's other handlers do not act on the matter for him.

    Only where the actor would act as a handler alone: a head, or staff on another side (the office), still may.
    """
    if petition.assignee_id in (None, actor.pk) or rule.action in ANY_HANDLER_ACTIONS:
        return False
    if actor.has_role(*(role for role in rule.roles if role != Role.HANDLER)):
        return False
    sides = [side for side in rule.sides if _on_side(side=side, petition=petition, actor=actor, running=running)]
    return sides == [Side.HANDLER]


def rule_permits(*, rule: Rule, petition: Petition, actor: User, running: dict[str, Clock]) -> bool:
    """Whether the actor's role and side allow the rule (state aside)."""
    if actor_recused(petition=petition, user=actor):  # Art 28: a recused person acts on nothing in the matter
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(*rule.roles):
        return False
    if held_by_another_handler(rule=rule, petition=petition, actor=actor, running=running):
        return False
    return any(_on_side(side=side, petition=petition, actor=actor, running=running) for side in rule.sides)


def _state_allows(*, rule: Rule, petition: Petition, actor: User, running: dict[str, Clock]) -> bool:
    """The rule's state checks (checks.STATE_CHECKS) pass today: the same functions petition_act runs."""
    names = [name for name in rule.checks if is_state_check(name)]
    if not names:
        return True
    ctx = ActionContext(petition=petition, rule=rule, actor=actor, values={}, acted_on=timezone.localdate(),
                        running=running)
    try:
        for name in names:
            run_check(name, ctx)
    except RuleViolation:
        return False
    return True


def actions_allowed(*, petition: Petition, actor: User) -> list[Rule]:
    """The rules this user may apply to this petition now (for the case page and the API).

    Not offered: an action the matter's state already makes impossible (rated already, the extension limit
    reached), as its state checks say.
    """
    running = {clock.kind: clock for clock in petition.clocks.filter(stopped_on__isnull=True).select_related("org")}
    return [rule for rule in rules_from(petition.status)
            if (rule.needs_clock is None or rule.needs_clock in running)
            and rule_permits(rule=rule, petition=petition, actor=actor, running=running)
            and _state_allows(rule=rule, petition=petition, actor=actor, running=running)]


def org_for(start_org: str, *, petition: Petition, values: dict[str, Any], running: dict[str, Clock]) -> Org:
    if start_org == "office":
        return petition.registering_org
    if start_org == "handling":
        return petition.handling_org
    return values["reviewing_org"] if "reviewing_org" in values else next(
        clock.org for kind, clock in running.items()
        if kind in (Clock.Kind.REVIEW_DECISION, Clock.Kind.RE_REVIEW_DECISION))


def notice_for(*, rule: Rule, petition: Petition, actor: User, values: dict[str, Any], issued_before: int,
               issuing_org: Org, acted_on: date) -> Notice:
    """The (unsaved) notice a rule issues; `issued_before`: how many of its kind the petition has.

    `issuing_org` is the organ that decides (`deciding_org`, kept on the context by apply_rule).
    """
    # An accusation's text is stored encrypted (Art 30); a copy in the notice's JSON would be plaintext, so
    # its notices take the text from the petition when rendered (notices.documents falls back to it).
    text = ({} if petition.petition_type == PetitionType.ACCUSATION
            else {"summary": petition.summary, "demands": petition.demands})
    return Notice(
        petition=petition, kind=rule.notice,
        number=f"{petition.number}-{NOTICE_CODES[rule.notice]}{issued_before + 1}",
        issuing_org=issuing_org, issued_by=actor, issued_at=timezone.now(), acted_on=acted_on,
        content={**text, "article": rule.article, **serialisable(values)},
    )


def change_clocks(*, rule: Rule, running: dict[str, Clock], acted_on: date, values: dict[str, Any],
                  save: bool = True) -> None:
    """Stop, pause, resume and extend the running clocks as the rule says (`running` loses the stopped)."""
    for kind in rule.stops:
        if kind in running:
            clock_stop(clock=running.pop(kind), stopped_on=acted_on, save=save)
    for kind in rule.pauses:
        if kind in running:
            clock_pause(clock=running[kind], paused_on=acted_on, save=save)
    for kind in rule.resumes:
        if kind in running:
            clock_resume(clock=running[kind], resumed_on=acted_on, save=save)
    if rule.extends and rule.extends in running:
        clock_extend(clock=running[rule.extends], days=values["days"], save=save)


def action_event(*, rule: Rule, petition: Petition, actor: User, values: dict[str, Any], previous_status: str,
                 acted_on: date, notice: Notice | None, snapshot: dict[str, Any], started: list[int],
                 late_entry: bool = False) -> PetitionEvent:
    """The (unsaved) case event recording an action, with what a correction needs to undo it.

    Two dates: `acted_on`, the legal date statistics count, and `recorded_on`, the day it was entered.
    """
    data = {"from": previous_status, "to": petition.status, "article": rule.article,
            "acted_on": acted_on.isoformat(), "recorded_on": timezone.localdate().isoformat(),
            "values": serialisable(values), "notice": notice.number if notice else None, "before": snapshot,
            "clocks_started": started}
    if late_entry:
        data["late_entry"] = True
    return PetitionEvent(
        petition=petition, kind=rule.action, title=rule.label, actor=actor, actor_org=actor.org,
        occurred_at=timezone.now(), note=_event_note(values)[:500], data=data,
    )


def _event_note(values: dict[str, Any]) -> str:
    """The line the case history shows beside the action: its reason, the decision, or what was found."""
    if "investigation_note" in values:
        method = InvestigationMethod(values["investigation_method"]).label
        return f"{method}：{values['investigation_note']}"
    return str(values.get("reason") or values.get("decision") or "")


def correction_snapshot(*, petition: Petition, running: dict[str, Clock]) -> dict[str, Any]:
    """What a correction needs to undo an action: the petition's fields and every touched clock."""
    return {"petition": {name: _field_value(petition, name) for name in CORRECTABLE_FIELDS},
            "clocks": [_clock_snapshot(clock) for clock in running.values()]}


# The steps of an action, shared with the bulk import's replay (exchange.replay), which applies them to
# unsaved rows: the context says whether clocks are saved and how a clock is started.


def rule_for(*, petition: Petition, action: str) -> Rule:
    """The rule named `action`, if the petition's state allows it."""
    rule = RULES_BY_ACTION.get(action)
    if rule is None:
        raise RuleViolation(f"没有名为 {action!r} 的办理操作")
    if petition.status not in rule.sources:
        allowed = "、".join(PetitionStatus(state).label for state in rule.sources)
        raise RuleViolation(
            f"“{rule.label}”只能在“{allowed}”状态下进行，当前状态为“{petition.get_status_display()}”（{rule.article}）"
        )
    return rule


def check_acted_on(*, petition: Petition, acted_on: date) -> None:
    if acted_on > timezone.localdate():
        raise ValidationError({"acted_on": ["办理日期不能晚于今天"]})
    if acted_on < timezone.localtime(petition.received_at).date():
        raise ValidationError({"acted_on": ["办理日期不能早于收到日期"]})


# Records about the procedure rather than steps of it: an action may be dated before them.
NOT_STEPS = ("approve_late_entry", "report_urgent", "recuse", "assess_suggestion", "refer_relief", "assign_handler",
             "investigate")


def _previous_step(*, petition: Petition) -> PetitionEvent | None:
    corrected = {event.data.get("corrects") for event in petition.events.filter(kind="correct")}
    steps = petition.events.filter(kind__in=[action for action in RULES_BY_ACTION if action not in NOT_STEPS])
    return next((event for event in steps.order_by("-occurred_at", "-id") if event.pk not in corrected), None)


def check_after_previous_step(*, petition: Petition, acted_on: date) -> None:
    """An action is never dated before the step it follows (the last action not undone by a correction)."""
    previous = _previous_step(petition=petition)
    previous_on = (previous.data or {}).get("acted_on") if previous is not None else None
    if previous_on and acted_on < date.fromisoformat(previous_on):
        raise ValidationError({"acted_on": [
            f"办理日期不能早于上一步“{previous.title}”的办理日期（{date.fromisoformat(previous_on):%Y年%-m月%-d日}）"]})


def late_entry_approval(*, petition: Petition, action: str, acted_on: date) -> PetitionEvent | None:
    """A reviewer's 批准补录 of this action on this day, not undone and not used yet."""
    corrected = {event.data.get("corrects") for event in petition.events.filter(kind="correct")}
    approvals = petition.events.filter(kind="approve_late_entry", approved_late_entry__isnull=True).order_by("id")
    return next((event for event in approvals if event.pk not in corrected
                 and event.data["values"].get("late_action") == action
                 and event.data["values"].get("backdate_to") == acted_on.isoformat()), None)


def check_late_entry(*, petition: Petition, action: str, actor: User, acted_on: date, today: date,
                     reason: str) -> dict[str, Any] | None:
    """补录: an action dated before the day it is entered. What to record (LateEntry's fields), or None.

    Within the policy's window (working days before today, the actor's calendar) anyone may enter it. Beyond,
    a 信访部门审核员's approval: he enters it himself with a reason, or approved this action on this day
    beforehand (the 批准补录 step, with its reason), once. Either way it is recorded and counted.
    """
    if acted_on >= today:
        return None
    window = current_policy().late_entry_window_days
    if calendar_for_org(org=actor.org).add_workdays(acted_on, window).due >= today:
        return {"beyond_window": False, "approved_by": None, "reason": reason}
    if actor.has_role(Role.REVIEWER):
        if not reason:
            raise ValidationError({"backdate_reason": [
                f"办理日期早于今天超过{window}个工作日，请填写补录理由（{LATE_ENTRY_ARTICLE}）"]})
        return {"beyond_window": True, "approved_by": actor, "reason": reason}
    approval = late_entry_approval(petition=petition, action=action, acted_on=acted_on)
    if approval is None:
        raise ValidationError({"acted_on": [
            f"办理日期早于今天超过{window}个工作日，须经信访部门审核员批准补录该操作和日期（“批准补录”），"
            f"或由审核员填写补录理由后录入（{LATE_ENTRY_ARTICLE}）"]})
    return {"beyond_window": True, "approved_by": approval.actor, "approval": approval,
            "reason": reason or approval.note}


def latest_live_event(*, petition: Petition, kind: str) -> PetitionEvent | None:
    """The newest event of this action that no correction has undone."""
    corrected = {event.data.get("corrects") for event in petition.events.filter(kind="correct")}
    events = petition.events.filter(kind=kind).select_related("actor").order_by("-occurred_at", "-id")
    return next((event for event in events if event.pk not in corrected), None)


def taken_values(*, petition: Petition, rule: Rule) -> dict[str, Any]:
    """The fields of the latest live event of `rule.takes_values_of` (the draft a head signs), parsed again."""
    draft = latest_live_event(petition=petition, kind=rule.takes_values_of)
    if draft is None:
        raise RuleViolation(f"没有待审核的意见书草稿（{rule.label}，{rule.article}）")
    stored = draft.data.get("values", {})
    return parse_values(required=(), optional=rule.optional_fields,
                        raw={name: stored[name] for name in rule.optional_fields if name in stored})


def check_rule(ctx: ActionContext) -> None:
    """The rule's clock condition and its named checks."""
    rule = ctx.rule
    if rule.needs_clock and rule.needs_clock not in ctx.running:
        clock_label = Clock.Kind(rule.needs_clock).label
        raise RuleViolation(f"“{rule.label}”需要{clock_label}正在计算中，该事项当前没有（{rule.article}）")
    for check in rule.checks:
        run_check(check, ctx)


def apply_rule(ctx: ActionContext) -> tuple[str, dict[str, Any], list[int]]:
    """Change the petition and its clocks as the checked rule says; (previous status, snapshot, clocks started)."""
    rule, petition, running, values = ctx.rule, ctx.petition, ctx.running, ctx.values
    previous_status = petition.status
    before = dict(running)  # the reviewing org of a decision is read from its clock, stopped below
    ctx.issuing_org = deciding_org(rule=rule, petition=petition, actor=ctx.actor, running=running)
    snapshot = correction_snapshot(petition=petition, running=running)
    change_clocks(rule=rule, running=running, acted_on=ctx.acted_on, values=values, save=ctx.saves)
    if rule.target is not None:
        petition.status = rule.target
    for effect in rule.effects:
        run_effect(effect, ctx)
    started = []
    for start in rule.starts:
        org = org_for(start.org, petition=petition, values=values, running=before)
        length = values.get("report_days") if start.kind == Clock.Kind.REPORT_BACK else None
        running[start.kind] = ctx.start_clock(kind=start.kind, org=org, started_on=ctx.acted_on, length=length)
        started.append(running[start.kind].pk)
    petition.version += 1
    return previous_status, snapshot, started


def petition_act(
    *,
    petition_id: int,
    action: str,
    actor: User,
    values: dict[str, Any] | None = None,
    expected_version: int | None = None,
    acted_on: date | None = None,
    replaying: bool = False,
    entered_by_petitioner: bool = False,
) -> Petition:
    """Apply one rule of the table to a petition: check, change state and clocks, issue the notice, record.

    `entered_by_petitioner`: the petitioner entered this evaluation himself (the public portal, whose system
    user is `actor`); the rating is recorded as such (Evaluation.entered_by_party) and counted apart.

    An action dated before today is a late entry (补录, check_late_entry), unless `replaying`: history taken
    over from a record kept elsewhere (an import, the demo's generated years), not entered by a unit late.
    `values` may carry "backdate_reason" (补录理由) besides the rule's fields.

    An accusation sent to the accused unit (Art 30 ¶3) is refused like any rule and changes nothing; the
    attempt is then recorded in a transaction of its own (RefusedDestination, a liability signal). Not when
    `replaying`: a history step the import rejects is reported with its row, not an attempt made here.
    """
    try:
        return _petition_act(petition_id=petition_id, action=action, actor=actor, values=values,
                             expected_version=expected_version, acted_on=acted_on, replaying=replaying,
                             entered_by_petitioner=entered_by_petitioner)
    except AccusedUnitRefused as refusal:
        if not replaying:
            refused_destination_record(petition_id=petition_id, action=action, actor=actor, refusal=refusal)
        raise


@transaction.atomic
def refused_destination_record(*, petition_id: int, action: str, actor: User,
                               refusal: AccusedUnitRefused) -> RefusedDestination:
    """The refused attempt and its audit event, one transaction (the refused action's has rolled back)."""
    record = RefusedDestination.objects.create(
        petition_id=petition_id, action=action, org_id=refusal.org_id, actor=actor, actor_org_id=actor.org_id,
        article=refusal.article, message=refusal.text)
    audit_record(actor=actor, action="petition.refused_destination", target=record.petition,
                 data={"action": action, "org": refusal.org_id, "article": refusal.article,
                       "message": refusal.text})
    return record


@transaction.atomic
def _petition_act(*, petition_id: int, action: str, actor: User, values: dict[str, Any] | None,
                  expected_version: int | None, acted_on: date | None, replaying: bool,
                  entered_by_petitioner: bool = False) -> Petition:
    if actor.org_id is None:
        raise ActionNotPermitted("当前用户未分配所属机构，不能办理信访事项")
    petition = petitions_visible_to(user=actor).select_for_update().get(pk=petition_id)
    stats_rollup.touch([petition.pk])  # before any write: some below are QuerySet.update, which sends no signal
    if expected_version is not None and expected_version != petition.version:
        raise StaleVersion("该信访事项已被他人办理（数据已更新），请刷新后重新操作")
    rule = rule_for(petition=petition, action=action)
    running = _running_clocks(petition)
    if actor_recused(petition=petition, user=actor):
        raise ActionNotPermitted(f"您已回避本事项，不能进行“{rule.label}”（《信访工作条例》第二十八条）")
    if (not actor.is_superuser and actor.has_role(*rule.roles)
            and held_by_another_handler(rule=rule, petition=petition, actor=actor, running=running)):
        raise ActionNotPermitted(f"本事项的承办人是{petition.assignee.full_name or petition.assignee.username}，"
                                 f"其他承办人不能进行“{rule.label}”；需要改派的，请本单位负责人指定承办人")
    if not rule_permits(rule=rule, petition=petition, actor=actor, running=running):
        raise ActionNotPermitted(f"您的角色或单位不能对该事项进行“{rule.label}”（{rule.article}）")
    today = timezone.localdate()
    acted_on = acted_on or today
    check_acted_on(petition=petition, acted_on=acted_on)
    check_after_previous_step(petition=petition, acted_on=acted_on)
    raw = dict(values or {})
    reason = parse_values(required=(), optional=LATE_ENTRY_FIELDS, raw={
        name: raw.pop(name) for name in LATE_ENTRY_FIELDS if name in raw}).get("backdate_reason", "")
    late = None if replaying else check_late_entry(petition=petition, action=rule.action, actor=actor,
                                                   acted_on=acted_on, today=today, reason=reason)
    values = parse_values(required=rule.fields, optional=rule.optional_fields, raw=raw)
    if rule.takes_values_of:
        values = {**taken_values(petition=petition, rule=rule), **values}
    context = ActionContext(petition=petition, rule=rule, actor=actor, values=values, acted_on=acted_on,
                            running=running)
    check_rule(context)
    if entered_by_petitioner and (rule.action != "evaluate" or values.get("rated_by") != "petitioner"):
        raise ActionNotPermitted("信访人本人录入只适用于信访人自评的满意度评价")
    previous_status, snapshot, started = apply_rule(context)
    if entered_by_petitioner:
        Evaluation.objects.filter(petition=petition, voided=False).update(
            entered_by_party=Evaluation.EnteredByParty.PETITIONER)
    petition.save(update_fields=[*SAVED_FIELDS, "version", "updated_at"])

    notice = None
    if rule.notice:
        notice = notice_for(rule=rule, petition=petition, actor=actor, values=values,
                            issued_before=Notice.objects.filter(petition=petition, kind=rule.notice).count(),
                            issuing_org=context.issuing_org, acted_on=acted_on)
        notice.save()
    event = action_event(rule=rule, petition=petition, actor=actor, values=values, previous_status=previous_status,
                         acted_on=acted_on, notice=notice, snapshot=snapshot, started=started,
                         late_entry=late is not None)
    event.save()
    audit_data = {"from": previous_status, "to": petition.status, "values": serialisable(values)}
    if late is not None:
        LateEntry.objects.create(petition=petition, event=event, action=rule.action, org=actor.org, entered_by=actor,
                                 acted_on=acted_on, recorded_on=today, **late)
        audit_data["late_entry"] = {"acted_on": acted_on.isoformat(), "recorded_on": today.isoformat(),
                                    "beyond_window": late["beyond_window"], "reason": late["reason"]}
    audit_record(actor=actor, action=f"petition.{rule.action}", target=petition, data=audit_data)
    return petition


CORRECTOR_ROLES = (Role.REVIEWER, Role.HANDLING_ORG_HEAD, Role.ADMINISTRATOR)


def last_correctable_event(*, petition: Petition) -> PetitionEvent | None:
    """The newest procedural action on the petition that no correction has undone yet."""
    corrected = set()
    for event in petition.events.filter(kind="correct").order_by("id"):
        corrected.add(event.data.get("corrects"))
    for event in petition.events.filter(kind__in=list(RULES_BY_ACTION)).order_by("-occurred_at", "-id"):
        if event.pk not in corrected:
            return event
    return None


@transaction.atomic
def petition_correct(
    *, petition_id: int, actor: User, reason: str, expected_version: int | None = None
) -> Petition:
    """Undo the last action by a new, audited correcting event: state, fields and clocks as they were.

    History is never edited: the mistaken event stays; clocks it started and the notice it issued are
    marked void, clocks it stopped, paused or extended are put back and recomputed.
    """
    petition = petitions_visible_to(user=actor).select_for_update().get(pk=petition_id)
    stats_rollup.touch([petition.pk])  # before any write: some below are QuerySet.update, which sends no signal
    if expected_version is not None and expected_version != petition.version:
        raise StaleVersion("该信访事项已被他人办理（数据已更新），请刷新后重新操作")
    if not (actor.is_superuser or actor.has_role(*CORRECTOR_ROLES)):
        raise ActionNotPermitted("更正办理操作需要信访部门审核员、责任单位负责人或系统管理员角色")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写更正理由"]})
    event = last_correctable_event(petition=petition)
    if event is None or "before" not in event.data:
        raise RuleViolation("没有可以更正的办理操作")
    if not actor.is_superuser and event.actor_org_id != actor.org_id and not actor.has_role(Role.REVIEWER):
        raise ActionNotPermitted("只能更正本单位的办理操作")
    before = event.data["before"]
    for name, value in before["petition"].items():
        setattr(petition, name, value)
    today = timezone.localdate()
    for clock in Clock.objects.select_for_update().filter(pk__in=event.data.get("clocks_started", [])):
        clock.voided = True
        clock.stopped_on = clock.stopped_on or today
        clock.save(update_fields=["voided", "stopped_on", "updated_at"])
    for state in before["clocks"]:
        clock = Clock.objects.select_for_update().get(pk=state["id"])
        for name in CLOCK_STATE_FIELDS:
            value = state[name]
            setattr(clock, name, date.fromisoformat(value) if name in ("stopped_on", "paused_since") and value else value)
        clock_recompute_one(clock=clock)
    Notice.objects.filter(petition=petition, number=event.data.get("notice")).update(voided=True)
    LateEntry.objects.filter(event=event).update(voided=True)  # an undone action is no late entry to count
    if event.kind == "evaluate":  # a matter has at most one live evaluation (checks.not_yet_evaluated)
        Evaluation.objects.filter(petition=petition, voided=False).update(voided=True)
    void_action_records(petition=petition, action=event.kind)  # a recusal, a designated accepting organ
    petition.version += 1
    petition.save(update_fields=[*SAVED_FIELDS, "version", "updated_at"])
    PetitionEvent.objects.create(
        petition=petition, kind="correct", title=f"更正（撤销“{event.title}”）", actor=actor, actor_org=actor.org,
        occurred_at=timezone.now(), note=reason.strip()[:500],
        data={"corrects": event.pk, "corrected_action": event.kind, "restored_status": petition.status},
    )
    audit_record(actor=actor, action="petition.correct", target=petition,
                 data={"corrects": event.pk, "action": event.kind, "reason": reason.strip()[:500]})
    return petition
