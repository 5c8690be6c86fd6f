"""Signals other apps listen to when the calendar changes under existing deadlines."""

from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal


@dataclass(frozen=True)
class DeadlineRecomputed:
    """One open deadline whose dates changed because the calendar changed (what the command prints)."""

    petition_number: str
    deadline: str  # the clock's Chinese name, e.g. 办理期限
    old_due: date
    new_due: date
    old_target: date | None
    new_target: date | None
    was_provisional: bool
    provisional: bool

    @property
    def moved(self) -> bool:
        """The statutory due date changed (not only the local target or the provisional mark)."""
        return self.old_due != self.new_due

    def describe(self) -> str:
        """One line of the command's output: 编号  期限  法定截止 旧 → 新."""
        return f"{self.petition_number}  {self.change()}"

    def change(self) -> str:
        text = f"{self.deadline}  法定截止 {self.old_due:%Y-%m-%d} → {self.new_due:%Y-%m-%d}"
        if self.old_target != self.new_target:
            old = f"{self.old_target:%Y-%m-%d}" if self.old_target else "无"
            new = f"{self.new_target:%Y-%m-%d}" if self.new_target else "无"
            text += f"，工作目标 {old} → {new}"
        if self.was_provisional != self.provisional:
            text += "（临时日期已确定）" if not self.provisional else "（改为临时日期）"
        return text


calendar_days_changed = Signal()
"""The working-day status of some days changed, *inside* the transaction that changes it.

Sent with `send` (not `send_robust`) by the calendar services before they commit, so a receiver's work
is part of the same transaction as the change: if a receiver fails, the load or the regional day is
rolled back too, and nothing is half done.

Sent with keyword arguments:
    sender:     `HolidaySchedule` or `OrgCalendarDay` (the class)
    days:       frozenset of `datetime.date` whose status (rest or work) or name changed
    org_path:   str, the materialised path of the org whose subtree is affected; None: everyone
    year:       int or None; a schedule load: the year now known (its provisional deadlines are final now)
    cause:      str, in Chinese, what changed, for the case history (e.g. 载入2027年节假日安排（#3）)
    cause_data: dict, JSON-serialisable identifiers of the change (schedule_id, org, date …)
    actor:      the user who made the change, or None (command line)

Receivers (the workflow app) recompute every open deadline whose counting window — start to due date,
under the old and the new calendar — contains one of `days`, record each change where users see it
and in the audit log, and return a list of `DeadlineRecomputed` (an empty list when nothing moved).
"""

schedule_loaded = Signal()
"""A year's holiday schedule was loaded (or replaced), and the transaction that did it committed.

Sent with keyword arguments:
    sender:       `HolidaySchedule` (the class)
    year:         int, the year whose schedule is now known
    schedule_id:  int, the id of the new current `HolidaySchedule` row

A notification only: the deadlines were already recomputed inside the load's transaction
(`calendar_days_changed`). It is sent with `send_robust`: an exception is logged and does not hide the
committed load.
"""

org_calendar_changed = Signal()
"""An org's own rest day or workday was set, changed or removed, and the transaction committed.

Sent with keyword arguments:
    sender:   `OrgCalendarDay` (the class)
    org_id:   int, the org whose entry changed (it applies to the org's whole subtree)
    org_path: str, that org's materialised path ("/1/4/"), to select the subtree's deadlines
    day:      datetime.date, the date that changed

A notification only, like `schedule_loaded`: the subtree's deadlines were recomputed inside the
change's transaction (`calendar_days_changed`).
"""
