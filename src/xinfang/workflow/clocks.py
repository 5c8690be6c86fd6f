"""Clock arithmetic over the stored Clock rows: start, stop, pause, resume, extend, recompute, level."""

from dataclasses import dataclass
from datetime import date

from xinfang.calendars.selectors import calendar_for_org
from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition
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


def clocks_recompute(*, provisional_only: bool = True, org_path: str | None = None, day: date | None = None) -> int:
    """Recompute running clocks; return how many changed their statutory due date.

    After a year's schedule is loaded: the provisional ones. After an org's own rest day or workday
    changed: those of the org's subtree whose period runs across that day.
    """
    policy = current_policy()
    clocks = Clock.objects.filter(stopped_on__isnull=True, voided=False).select_related("org")
    if provisional_only:
        clocks = clocks.filter(provisional=True)
    if org_path is not None:
        clocks = clocks.filter(org__path__startswith=org_path)
    if day is not None:
        clocks = clocks.filter(started_on__lt=day)
    changed = 0
    for clock in clocks:
        due = clock.statutory_due
        _compute(clock, policy=policy)
        if day is not None and due < day and clock.statutory_due == due:
            continue  # the period ended before the changed day: nothing moved
        clock.save()
        changed += clock.statutory_due != due
    return changed


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
