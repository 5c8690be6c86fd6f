"""Reading a year's holiday schedule from a TOML file an administrator writes from the State Council notice.

    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知"

    [[holidays]]
    name = "元旦"
    start = 2027-01-01
    end = 2027-01-03

    [[workdays]]          # 调休上班
    date = 2027-02-06
    name = "春节"
"""

import tomllib
from datetime import date, timedelta
from typing import Any

from xinfang.workdays.calendar import Schedule


class ScheduleFileError(ValueError):
    """The file is not a valid schedule; the message says where."""


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleFileError(f"{where}: 日期格式应为 YYYY-MM-DD，而不是 {value!r}") from None


def parse_schedule_file(text: str) -> Schedule:
    """Parse and check a schedule; raise ScheduleFileError with a precise message on anything wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScheduleFileError(f"不是有效的 TOML 文件：{error}") from None
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ScheduleFileError("缺少有效的 year（如 year = 2027）")
    rest_days: dict[date, str] = {}
    for index, entry in enumerate(data.get("holidays", []), start=1):
        where = f"第{index}个 [[holidays]]"
        name = str(entry.get("name", "")).strip()
        if not name:
            raise ScheduleFileError(f"{where}: 缺少 name")
        first = _date(entry.get("start"), where)
        last = _date(entry.get("end", entry.get("start")), where)
        if last < first:
            raise ScheduleFileError(f"{where}: end 早于 start")
        day = first
        while day <= last:
            if day.year != year:
                raise ScheduleFileError(f"{where}: {day} 不在 {year} 年")
            if day in rest_days:
                raise ScheduleFileError(f"{where}: {day} 与其他假期重复")
            rest_days[day] = name
            day += timedelta(days=1)
    work_days: dict[date, str] = {}
    for index, entry in enumerate(data.get("workdays", []), start=1):
        where = f"第{index}个 [[workdays]]"
        day = _date(entry.get("date"), where)
        if day.year != year:
            raise ScheduleFileError(f"{where}: {day} 不在 {year} 年")
        if day.weekday() < 5:
            raise ScheduleFileError(f"{where}: {day} 本来就是工作日，调休上班日应为周六或周日")
        if day in rest_days:
            raise ScheduleFileError(f"{where}: {day} 同时被列为假期")
        work_days[day] = str(entry.get("name", "调休")).strip() or "调休"
    if not rest_days:
        raise ScheduleFileError("至少应有一个 [[holidays]]")
    return Schedule(year=year, rest_days=rest_days, work_days=work_days, source=str(data.get("source", "")))
