"""Working-day calendar and deadline arithmetic (pure Python: no Django, no database).

`official_calendar()` gives China's calendar from the `chinese-calendar` package plus schedules an
administrator loaded for later years; `WorkCalendar.add_workdays` / `add_days` return a `Deadline`
that knows whether it is provisional and explains itself in Chinese.
"""

from xinfang.workdays.calendar import Deadline, Schedule, WorkCalendar, official_schedules
from xinfang.workdays.schedule_file import ScheduleFileError, parse_schedule_file

__all__ = [
    "Deadline",
    "Schedule",
    "ScheduleFileError",
    "WorkCalendar",
    "official_schedules",
    "parse_schedule_file",
]
