"""One imported petition's history replayed in memory, for the bulk import (exchange.bulk).

`replay_step` applies one rule of the table with petition_act's own steps (`workflow.services.rule_for`,
`check_acted_on`, `check_rule`, `apply_rule`, `notice_for`, `action_event`) to unsaved rows of one
petition (`Staged`), which the bulk importer then writes in batches. What those steps read or add beyond
the petition — evaluations, the review clock, other matters, new clocks — goes through the context, which
here answers from the staged rows (`ReplayContext`). The live service reads and writes a dozen rows a step;
replaying 100,000 histories that way takes hours.

petition_act is the reference: tests/exchange/test_bulk.py imports the same files through both and
compares every row. Keep the two in step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar


from xinfang.audit.services import AuditEntry
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus, Petitioner, PetitionParty
from xinfang.workflow.checks import ActionContext
from xinfang.workflow.clocks import clock_set_target, clock_start
from xinfang.workflow.fields import parse_values, serialisable
from xinfang.workflow.models import Clock, Evaluation, Notice
from xinfang.workflow.services import (
    action_event,
    apply_rule,
    check_acted_on,
    check_rule,
    notice_for,
    rule_for,
)


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
    next_clock_id: Callable[[], int] | None = None
    saves: ClassVar[bool] = False
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

    def start_clock(self, *, kind: str, org: Org, started_on: date, length: int | None) -> Clock:
        return start_clock(self.staged, kind=kind, org=org, started_on=started_on, length=length,
                           next_id=self.next_clock_id)


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
    rule = rule_for(petition=petition, action=action)
    check_acted_on(petition=petition, acted_on=acted_on)
    values = parse_values(required=rule.fields, optional=rule.optional_fields, raw=values)
    context = ReplayContext(petition=petition, rule=rule, actor=actor, values=values, acted_on=acted_on,
                            running=staged.running, staged=staged, batch=batch, next_clock_id=next_clock_id)
    check_rule(context)
    previous_status, snapshot, started = apply_rule(context)
    notice = None
    if rule.notice:
        notice = notice_for(rule=rule, petition=petition, actor=actor, values=values,
                            issued_before=sum(1 for issued in staged.notices if issued.kind == rule.notice),
                            issuing_org=context.issuing_org, acted_on=acted_on)
        staged.notices.append(notice)
    staged.events.append(action_event(rule=rule, petition=petition, actor=actor, values=values,
                                      previous_status=previous_status, acted_on=acted_on, notice=notice,
                                      snapshot=snapshot, started=started))
    staged.audits.append(AuditEntry(actor=actor, action=f"petition.{rule.action}", target=petition,
                                    data={"from": previous_status, "to": petition.status,
                                          "values": serialisable(values)}))
