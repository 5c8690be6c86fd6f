"""The genre's number wording, as offices write it in their reports.

- percentages to two decimals where not whole: 100%, 0%, 12.50%, 66.67%;
- a change against last year by its sign: 同比增长12.50% / 同比下降47.78% / 与上年持平; 无上年数据 for a missing base;
- amounts in 万元 with two decimals (36.50万元); dates as 2025年12月10日; counts with their unit (件, 人次, 批次).
"""

from datetime import date, timedelta
from decimal import Decimal

CENT = Decimal("0.01")


def number(value: int | Decimal | str | None) -> str:
    """A figure without a unit: whole numbers bare (100), others to two decimals (12.50); None is "—"."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(CENT))


def percent(value: int | Decimal | str | None) -> str:
    """100%, 0%, 12.50%; a rate without a denominator is "—"."""
    return "—" if value is None else f"{number(value)}%"


def amount(value: int | Decimal | str | None) -> str:
    """36.50万元: 万元 always with two decimals."""
    return "—" if value is None else f"{Decimal(str(value)).quantize(CENT)}万元"


def count(value: int | None, unit: str = "件") -> str:
    return f"{number(value)}{unit}"


def direction(change: Decimal | str | None) -> str:
    """增长, 下降 or 持平, by the sign of a change."""
    change = Decimal(str(change))
    return "增长" if change > 0 else "下降" if change < 0 else "持平"


def change_phrase(change: Decimal | str | None, *, prefix: str = "同比", points: bool = False) -> str:
    """同比增长12.50% / 同比下降47.78% / 同比持平 / 无上年数据 (a zero or missing base).

    `points`: a rate's change is a difference in percentage points (提高/下降 x个百分点).
    """
    if change is None:
        return "无上年数据" if prefix == "同比" else "无上期数据"
    change = Decimal(str(change))
    if change == 0:
        return f"{prefix}持平"
    if points:
        return f"{prefix}{'提高' if change > 0 else '下降'}{number(abs(change))}个百分点"
    return f"{prefix}{direction(change)}{percent(abs(change))}"


def changes_phrase(changes: list[Decimal | str | None], *, prefix: str = "同比") -> str:
    """Two changes of one sentence: 同比分别下降47.78%、50.96% when they share a direction, else each apart."""
    if len(changes) == 1:
        return change_phrase(changes[0], prefix=prefix)
    if any(change is None for change in changes):
        if all(change is None for change in changes):
            return "无上年数据" if prefix == "同比" else "无上期数据"
        return "，".join(change_phrase(change, prefix=prefix) for change in changes)
    directions = {direction(change) for change in changes}
    if len(directions) == 1:
        (word,) = directions
        if word == "持平":
            return f"{prefix}持平"
        return f"{prefix}分别{word}" + "、".join(percent(abs(Decimal(str(change)))) for change in changes)
    return "，".join(change_phrase(change, prefix=prefix) for change in changes)


def chinese_date(day: date | None) -> str:
    """2025年12月10日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_label(start: date, end: date) -> str:
    """2025年, 2025年第一季度, 2025年3月, or 2025年1月1日至2025年6月30日."""
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return f"{start.year}年"
    if start.day == 1 and end == month_end(start):
        return f"{start.year}年{start.month}月"
    if start.day == 1 and start.month in (1, 4, 7, 10) and end == month_end(date(start.year, start.month + 2, 1)):
        return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"
    return f"{chinese_date(start)}至{chinese_date(end)}"
