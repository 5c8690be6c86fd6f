"""Signals other apps listen to when the calendar changes under existing deadlines."""

from django.dispatch import Signal

schedule_loaded = Signal()
"""A year's holiday schedule was loaded (or replaced), and the transaction that did it committed.

Sent with keyword arguments:
    sender:       `HolidaySchedule` (the class)
    year:         int, the year whose schedule is now known
    schedule_id:  int, the id of the new current `HolidaySchedule` row

Contract for receivers (the workflow app):
- Recompute every provisional deadline whose counting touched `year` (a `Deadline` records its
  `missing_years`), using `calendars.selectors.calendar_for_org(org=...)` for the deadline's org, and
  store the new due date with its explanation. A deadline that is not provisional was computed with a
  known schedule; whether a *replaced* schedule moves it is the receiver's policy to decide and record.
- It runs after commit, in the loading process, once per load: be idempotent (a year may be loaded
  twice) and do the work in your own transaction(s), auditing what you change.
- It is sent with `send_robust`: an exception is logged and does not undo or hide the load, so keep a
  way to recompute on demand as well (e.g. a command) for when a receiver failed.
"""

org_calendar_changed = Signal()
"""An org's own rest day or workday was set, changed or removed, and the transaction committed.

Sent with keyword arguments:
    sender:   `OrgCalendarDay` (the class)
    org_id:   int, the org whose entry changed (it applies to the org's whole subtree)
    org_path: str, that org's materialised path ("/1/4/"), to select the subtree's deadlines
    day:      datetime.date, the date that changed

Receivers decide whether open deadlines in the subtree that counted across `day` move; sent with
`send_robust`, like `schedule_loaded`.
"""
