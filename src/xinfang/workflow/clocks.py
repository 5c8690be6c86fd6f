"""Clock arithmetic over the stored Clock rows: start, stop, pause, resume, extend, recompute, level."""

import operator
from dataclasses import dataclass, replace
from datetime import date
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.audit.services import AuditEntry, audit_record_many
from xinfang.calendars.selectors import calendar_for_org, calendars_cached
from xinfang.calendars.signals import DeadlineRecomputed
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.workdays.calendar import Unit
from xinfang.workflow.models import Clock
from xinfang.workflow.policy import Policy, current_policy


def _compute(clock: Clock, *, policy: Policy) -> None:
    """Set the due dates, provisional flag and explanation from start, length, extension and pauses."""
    calendar = calendar_for_org(org=clock.org)
    unit = Unit(clock.unit)
    # Paused (hearing) days do not count; an approved extension adds days (both in calendar days).
    length = clock.length + clock.extended_days + (clock.paused_days if unit == Unit.CALENDAR_DAYS else 0)
    deadline = calendar.add(clock.started_on, length, unit)
    clock.statutory_due = deadline.due
    clock.provisional = deadline.provisional
    notes = []
    if clock.extended_days:
        notes.append(f"含经批准延长 {clock.extended_days} 日")
    if clock.paused_days:
        notes.append(f"听证等暂停 {clock.paused_days} 日不计入")
    clock.explanation = deadline.explain() + ("（" + "，".join(notes) + "）" if notes else "")
    target = policy.clocks[clock.kind].target
    clock.target_due = calendar.add(clock.started_on, target.length, target.unit).due if target else None


# `save=False` (the bulk import's replay, exchange.replay) changes the clock in memory only; its caller
# writes it. Everything else saves at once.


def clock_start(*, petition: Petition, kind: str, org: Org, started_on: date, length: int | None = None,
                save: bool = True) -> Clock:
    policy = current_policy()
    period = policy.clocks[kind].statutory
    clock = Clock(petition=petition, kind=kind, org=org, started_on=started_on, unit=period.unit,
                  length=period.length if length is None else length)
    _compute(clock, policy=policy)
    if save:
        clock.save()
    return clock


def clock_stop(*, clock: Clock, stopped_on: date, save: bool = True) -> None:
    if clock.paused_since is not None:
        clock_resume(clock=clock, resumed_on=stopped_on, save=save)
    clock.stopped_on = stopped_on
    if save:
        clock.save(update_fields=["stopped_on", "paused_since", "paused_days", "statutory_due", "target_due",
                              "provisional", "explanation", "updated_at"])


def clock_pause(*, clock: Clock, paused_on: date, save: bool = True) -> None:
    clock.paused_since = paused_on
    if save:
        clock.save(update_fields=["paused_since", "updated_at"])


def clock_resume(*, clock: Clock, resumed_on: date, save: bool = True) -> None:
    """Add the paused days to the clock and recompute: a pause never shortens a period."""
    if clock.paused_since is None:
        return
    clock.paused_days += max((resumed_on - clock.paused_since).days, 0)
    clock.paused_since = None
    _compute(clock, policy=current_policy())
    if save:
        clock.save()


def clock_extend(*, clock: Clock, days: int, save: bool = True) -> None:
    clock.extended_days += days
    _compute(clock, policy=current_policy())
    if save:
        clock.save()


def clock_set_target(*, clock: Clock, kind_of_target: str, save: bool = True) -> None:
    """Use another policy entry's target (e.g. fast_track) for this clock; statutory due unchanged."""
    policy = current_policy()
    target = policy.clocks[kind_of_target].target
    if target is not None:
        clock.target_due = calendar_for_org(org=clock.org).add(clock.started_on, target.length, target.unit).due
        if save:
            clock.save(update_fields=["target_due", "updated_at"])


def clock_recompute_one(*, clock: Clock) -> None:
    _compute(clock, policy=current_policy())
    clock.save()


# Recomputing because the calendar changed. A deadline never changes silently: each one that moves gets a
# case event (期限重算) naming the cause, and an audit event, in the transaction of the change itself.
RECOMPUTED_EVENT = "deadline_recomputed"
CLOCK_DATE_FIELDS = ["statutory_due", "target_due", "provisional", "explanation", "updated_at"]


def _record_recomputed(changes: list[tuple[Clock, DeadlineRecomputed]], *, cause: str, cause_data: dict,
                       actor: User | None) -> None:
    now = timezone.now()
    events, audits = [], []
    for clock, change in changes:
        data = {**cause_data, "clock": clock.pk, "kind": clock.kind,
                "statutory_due": [change.old_due.isoformat(), change.new_due.isoformat()],
                "target_due": [day.isoformat() if day else None for day in (change.old_target, change.new_target)],
                "provisional": [change.was_provisional, change.provisional]}
        events.append(PetitionEvent(
            petition_id=clock.petition_id, kind=RECOMPUTED_EVENT, title="期限重算", actor=actor,
            actor_org=actor.org if actor is not None else None, occurred_at=now,
            note=f"因{cause}重新计算：{change.change()}"[:500], data=data,
        ))
        audits.append(AuditEntry(actor=actor, action="workflow.clock_recompute", target=clock,
                                 data={**data, "cause": cause}))
    PetitionEvent.objects.bulk_create(events)
    audit_record_many(audits)


def _recompute(clocks, *, policy: Policy, touched) -> tuple[list[tuple[Clock, DeadlineRecomputed]], list[Clock]]:
    """Recompute `clocks`; return those whose dates or provisional mark changed (and `touched` says so),
    and those whose explanation alone changed (saved without an event: the deadline did not move)."""
    changes, reworded = [], []
    with calendars_cached():  # one calendar per org for the whole pass; the calendar is fixed meanwhile
        for clock in clocks:
            before = (clock.statutory_due, clock.target_due, clock.provisional, clock.explanation)
            _compute(clock, policy=policy)
            after = (clock.statutory_due, clock.target_due, clock.provisional, clock.explanation)
            if after == before or not touched(clock, before):
                continue
            if after[:3] == before[:3]:
                reworded.append(clock)
                continue
            changes.append((clock, DeadlineRecomputed(
                petition_number="", deadline=clock.get_kind_display(), old_due=before[0], new_due=after[0],
                old_target=before[1], new_target=after[1], was_provisional=before[2], provisional=after[2],
            )))
    numbers = dict(Petition.objects.filter(pk__in={clock.petition_id for clock, _ in changes})
                   .values_list("pk", "number"))
    changes = [(clock, replace(change, petition_number=numbers[clock.petition_id])) for clock, change in changes]
    for clock in [clock for clock, _ in changes] + reworded:
        clock.save(update_fields=CLOCK_DATE_FIELDS)
    return changes, reworded


def _open_clocks():
    # Stopped clocks are history (met or late by the dates of their time) and voided ones count nowhere.
    # Only the clock rows are locked, so that an action on the same petition waits instead of overwriting.
    return (Clock.objects.filter(stopped_on__isnull=True, voided=False).select_related("org")
            .select_for_update(of=("self",)).order_by("pk"))


@transaction.atomic  # normally already inside the calendar change's transaction; a savepoint then
def clocks_recompute_for_calendar(*, days: frozenset[date], org_path: str | None, year: int | None, cause: str,
                                  cause_data: dict, actor: User | None) -> list[DeadlineRecomputed]:
    """Recompute the open deadlines a calendar change touches, inside the change's transaction.

    A deadline is touched when its counting window — the day after its start up to its due date (the later
    of the statutory and target dates), under the old calendar or the new one — contains one of `days`.
    Under the old calendar the window ends on the stored due date, so the candidates are the clocks
    started before the last changed day and due on or after the first. After a year's schedule is loaded
    (`year`), the provisional ones too: they are final now. `org_path`: only that subtree (a regional day).
    """
    windows = []
    if days:
        first, last = min(days), max(days)
        windows.append(Q(started_on__lt=last) & (Q(statutory_due__gte=first) | Q(target_due__gte=first)))
    if year is not None:
        windows.append(Q(provisional=True))
    if not windows:
        return []
    clocks = _open_clocks().filter(reduce(operator.or_, windows))
    if org_path is not None:
        clocks = clocks.filter(org__path__startswith=org_path)

    def touched(clock: Clock, before: tuple) -> bool:
        if year is not None and before[2] != clock.provisional:
            return True
        end = max(day for day in (before[0], before[1], clock.statutory_due, clock.target_due) if day)
        return any(clock.started_on < day <= end for day in days)

    changes, _reworded = _recompute(clocks, policy=current_policy(), touched=touched)
    _record_recomputed(changes, cause=cause, cause_data=cause_data, actor=actor)
    return [change for _clock, change in changes]


@transaction.atomic
def clocks_recompute(*, provisional_only: bool = True) -> int:
    """Recompute running clocks on demand (`xinfang deadlines recompute [--all]`); return how many changed
    their statutory due date. Every change is recorded like one caused by a calendar change."""
    clocks = _open_clocks()
    if provisional_only:
        clocks = clocks.filter(provisional=True)
    changes, _reworded = _recompute(clocks, policy=current_policy(), touched=lambda clock, before: True)
    _record_recomputed(changes, cause="按需重新计算期限（xinfang deadlines recompute）",
                       cause_data={"on_demand": True, "all": not provisional_only}, actor=None)
    return sum(change.moved for _clock, change in changes)


# Periods within which someone *may* act (the handling org may object; the petitioner may request a
# review or rate): when they pass nobody is late, they expire.
OPTIONAL_WINDOWS = frozenset({Clock.Kind.OBJECTION, Clock.Kind.REVIEW_WINDOW, Clock.Kind.RE_REVIEW_WINDOW,
                              Clock.Kind.EVALUATION})


class Level:
    ON_TIME = "on_time"
    APPROACHING = "approaching"
    OVERDUE = "overdue"
    SERIOUSLY_OVERDUE = "seriously_overdue"
    EXPIRED = "expired"
    PAUSED = "paused"


LEVEL_LABELS = {Level.ON_TIME: "正常", Level.APPROACHING: "临期", Level.OVERDUE: "超期",
                Level.SERIOUSLY_OVERDUE: "严重超期", Level.EXPIRED: "已届满", Level.PAUSED: "暂停计时"}


@dataclass(frozen=True)
class ClockState:
    clock: Clock
    level: str
    remaining_days: int | None  # days until the statutory due (negative: overdue); None when stopped
    met: bool | None

    @property
    def level_label(self) -> str:
        if self.met is not None:
            return "按期" if self.met else "逾期完成"
        return LEVEL_LABELS[self.level]


def clock_state(*, clock: Clock, today: date) -> ClockState:
    """Warning level of a clock on `today` (thresholds from the policy's [warnings])."""
    policy = current_policy()
    if clock.stopped_on is not None:
        level = Level.ON_TIME if clock.met else Level.OVERDUE
        return ClockState(clock, level, None, clock.met)
    if clock.paused_since is not None:
        # Paused for a hearing (Art 31): the due date moves when it resumes, so it is neither near nor late.
        return ClockState(clock, Level.PAUSED, None, None)
    remaining = (clock.statutory_due - today).days
    if clock.kind in OPTIONAL_WINDOWS:
        return ClockState(clock, Level.EXPIRED if remaining < 0 else Level.ON_TIME, remaining, None)
    if remaining < -policy.seriously_overdue_days:
        level = Level.SERIOUSLY_OVERDUE
    elif remaining < 0:
        level = Level.OVERDUE
    elif remaining <= policy.approaching_days:
        level = Level.APPROACHING
    else:
        level = Level.ON_TIME
    return ClockState(clock, level, remaining, None)
