"""One imported petition's history replayed in memory, for the bulk import (exchange.bulk).

`replay_step` applies one rule of the table as `workflow.services.petition_act` does — the same state and
date rules, `parse_values`, the rule's checks and effects, and petition_act's own pieces for the clocks
(`change_clocks`, `clock_start`), the notice (`notice_for`), the event (`action_event`) and the correction
snapshot — but to unsaved rows of one petition (`Staged`), which the bulk importer then writes in batches.
The live service reads and writes a dozen rows per step; replaying 100,000 histories that way takes hours.

petition_act is the reference: tests/exchange/test_bulk.py imports the same files through both and
compares every row. Keep the two in step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from xinfang.audit.services import AuditEntry
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus, Petitioner, PetitionParty
from xinfang.workflow.checks import ActionContext, run_check
from xinfang.workflow.clocks import clock_set_target, clock_start
from xinfang.workflow.effects import run_effect
from xinfang.workflow.exceptions import RuleViolation
from xinfang.workflow.fields import parse_values, serialisable
from xinfang.workflow.models import Clock, Evaluation, Notice
from xinfang.workflow.services import action_event, change_clocks, correction_snapshot, notice_for, org_for
from xinfang.workflow.rules import RULES_BY_ACTION


@dataclass
class Staged:
    """One petition and every row its registration and history make, not yet written."""

    petition: Petition
    parties: list[PetitionParty] = field(default_factory=list)
    new_petitioners: list[Petitioner] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    events: list[PetitionEvent] = field(default_factory=list)
    # Audit entries of this petition, in order; written after the petition (their target is the petition).
    audits: list[AuditEntry] = field(default_factory=list)
    # Snapshots of clocks in event data name the clock's id, which is reserved when the clock starts.
    running: dict[str, Clock] = field(default_factory=dict)


@dataclass
class ReplayContext(ActionContext):
    """The checks' and effects' view of the rows being replayed (ActionContext reads the database)."""

    staged: Staged | None = None
    # Petitions of the batch being written, by number: a refusal as a repeat (不再受理) may name one of them.
    batch: dict[str, Petition] = field(default_factory=dict)

    def petition_numbered(self, number: str) -> Petition | None:
        return self.batch.get(number) or super().petition_numbered(number)

    def matter_is_final(self, root_id: int) -> bool:
        in_batch = any(petition.status == PetitionStatus.FINAL and root_id in (petition.pk, petition.first_petition_id)
                       for petition in self.batch.values())
        return in_batch or super().matter_is_final(root_id)

    def has_live_evaluation(self) -> bool:
        return any(not evaluation.voided for evaluation in self.staged.evaluations)

    def last_review_decision_org(self) -> Org | None:
        decisions = [clock for clock in self.staged.clocks if clock.kind == Clock.Kind.REVIEW_DECISION]
        return decisions[-1].org if decisions else None

    def add_evaluation(self, evaluation: Evaluation) -> None:
        self.staged.evaluations.append(evaluation)

    def set_clock_target(self, clock: Clock, kind_of_target: str) -> None:
        clock_set_target(clock=clock, kind_of_target=kind_of_target, save=False)


def start_clock(staged: Staged, *, kind: str, org: Org, started_on: date, length: int | None,
                next_id: Callable[[], int]) -> Clock:
    clock = clock_start(petition=staged.petition, kind=kind, org=org, started_on=started_on, length=length, save=False)
    clock.pk = next_id()
    staged.clocks.append(clock)
    staged.running[kind] = clock
    return clock


def replay_step(staged: Staged, *, action: str, actor: User, values: dict[str, Any], acted_on: date,
                next_clock_id: Callable[[], int], batch: dict[str, Petition]) -> None:
    """Apply one rule to the staged petition, as petition_act would (its messages, its rows)."""
    petition = staged.petition
    rule = RULES_BY_ACTION.get(action)
    if rule is None:
        raise RuleViolation(f"没有名为 {action!r} 的办理操作")
    if petition.status not in rule.sources:
        allowed = "、".join(PetitionStatus(state).label for state in rule.sources)
        raise RuleViolation(
            f"“{rule.label}”只能在“{allowed}”状态下进行，当前状态为“{petition.get_status_display()}”（{rule.article}）"
        )
    running = staged.running
    today = timezone.localdate()
    if acted_on > today:
        raise ValidationError({"acted_on": ["办理日期不能晚于今天"]})
    if acted_on < timezone.localtime(petition.received_at).date():
        raise ValidationError({"acted_on": ["办理日期不能早于收到日期"]})
    values = parse_values(required=rule.fields, optional=rule.optional_fields, raw=values)
    context = ReplayContext(petition=petition, rule=rule, actor=actor, values=values, acted_on=acted_on,
                            running=running, staged=staged, batch=batch)
    if rule.needs_clock and rule.needs_clock not in running:
        clock_label = Clock.Kind(rule.needs_clock).label
        raise RuleViolation(f"“{rule.label}”需要{clock_label}正在计算中，该事项当前没有（{rule.article}）")
    for check in rule.checks:
        run_check(check, context)

    previous_status = petition.status
    before = dict(running)
    snapshot = correction_snapshot(petition=petition, running=running)
    change_clocks(rule=rule, running=running, acted_on=acted_on, values=values, save=False)
    if rule.target is not None:
        petition.status = rule.target
    for effect in rule.effects:
        run_effect(effect, context)
    started = []
    for start in rule.starts:
        org = org_for(start.org, petition=petition, values=values, running=before)
        length = values.get("report_days") if start.kind == Clock.Kind.REPORT_BACK else None
        started.append(start_clock(staged, kind=start.kind, org=org, started_on=acted_on, length=length,
                                   next_id=next_clock_id).pk)
    petition.version += 1
    notice = None
    if rule.notice:
        notice = notice_for(rule=rule, petition=petition, actor=actor, values=values,
                            issued_before=sum(1 for issued in staged.notices if issued.kind == rule.notice))
        staged.notices.append(notice)
    staged.events.append(action_event(rule=rule, petition=petition, actor=actor, values=values,
                                      previous_status=previous_status, acted_on=acted_on, notice=notice,
                                      snapshot=snapshot, started=started))
    staged.audits.append(AuditEntry(actor=actor, action=f"petition.{rule.action}", target=petition,
                                    data={"from": previous_status, "to": petition.status,
                                          "values": serialisable(values)}))
