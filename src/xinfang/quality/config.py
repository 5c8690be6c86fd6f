"""The checklists (质量评查表) and grades in force: a TOML shipped with the app, or settings.XINFANG_QUALITY_FILE.

Checked at load like supervision/rankings.toml: a mistake raises ImproperlyConfigured naming its place.
"""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from xinfang.quality.auto import AUTO_RULES

DEFAULT_FILE = Path(__file__).with_name("checklists.toml")


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    points: int
    auto: str = ""  # a key of auto.AUTO_RULES; empty: scored by the reviewer alone


@dataclass(frozen=True)
class Checklist:
    key: str
    name: str
    items: tuple[Item, ...]

    @property
    def points_possible(self) -> int:
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class Grade:
    name: str
    min_percent: Decimal


@dataclass(frozen=True)
class QualityConfig:
    checklists: tuple[Checklist, ...]
    grades: tuple[Grade, ...]  # best first
    failing: str

    def checklist(self, key: str) -> Checklist | None:
        return next((checklist for checklist in self.checklists if checklist.key == key), None)

    def grade_for(self, score: Decimal) -> str:
        return next((grade.name for grade in self.grades if score >= grade.min_percent), self.failing)

    @property
    def grade_names(self) -> list[str]:
        return [grade.name for grade in self.grades] + [self.failing]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ImproperlyConfigured(f"{where}: a non-empty text is required, not {value!r}")
    return value.strip()


def _items(raw: Any, where: str) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not raw:
        raise ImproperlyConfigured(f"{where}: at least one item is required")
    items = []
    for index, entry in enumerate(raw):
        place = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{place}: a table is required")
        points = entry.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise ImproperlyConfigured(f"{place}.points: a whole number ≥ 1 is required, not {points!r}")
        auto = entry.get("auto", "")
        if auto and auto not in AUTO_RULES:
            raise ImproperlyConfigured(f"{place}.auto: unknown rule {auto!r} (one of {', '.join(AUTO_RULES)})")
        items.append(Item(_text(entry.get("key"), f"{place}.key"), _text(entry.get("text"), f"{place}.text"),
                          points, auto))
    keys = [item.key for item in items]
    duplicate = next((key for key in keys if keys.count(key) > 1), None)
    if duplicate:
        raise ImproperlyConfigured(f"{where}: item key {duplicate!r} appears more than once")
    return tuple(items)


def _grades(raw: Any) -> tuple[tuple[Grade, ...], str]:
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("grading: a table is required")
    failing = _text(raw.get("failing"), "grading.failing")
    entries = raw.get("grades")
    if not isinstance(entries, list) or not entries:
        raise ImproperlyConfigured("grading.grades: at least one grade is required")
    grades = []
    for index, entry in enumerate(entries):
        place = f"grading.grades[{index}]"
        minimum = entry.get("min_percent") if isinstance(entry, dict) else None
        if isinstance(minimum, bool) or not isinstance(minimum, int | float) or not 0 < minimum <= 100:
            raise ImproperlyConfigured(f"{place}.min_percent: a number above 0 and at most 100, not {minimum!r}")
        grades.append(Grade(_text(entry.get("name"), f"{place}.name"), Decimal(str(minimum))))
    if any(later.min_percent >= earlier.min_percent for earlier, later in zip(grades, grades[1:], strict=False)):
        raise ImproperlyConfigured("grading.grades: list the grades best first, each min_percent lower than the last")
    names = [grade.name for grade in grades] + [failing]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("grading: each grade name once (the failing grade included)")
    return tuple(grades), failing


def config_parse(data: dict[str, Any]) -> QualityConfig:
    """A checked configuration from the parsed TOML; a mistake names its place (ImproperlyConfigured)."""
    grades, failing = _grades(data.get("grading"))
    raw = data.get("checklists")
    if not isinstance(raw, list) or not raw:
        raise ImproperlyConfigured("checklists: at least one checklist is required")
    checklists = []
    for index, entry in enumerate(raw):
        place = f"checklists[{index}]"
        checklists.append(Checklist(_text(entry.get("key"), f"{place}.key"), _text(entry.get("name"), f"{place}.name"),
                                    _items(entry.get("items"), f"{place}.items")))
    keys = [checklist.key for checklist in checklists]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("checklists: each key once")
    return QualityConfig(tuple(checklists), grades, failing)


def config_load(path: str | Path | None = None) -> QualityConfig:
    path = Path(path or DEFAULT_FILE)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"{path}: {error}") from None
    return config_parse(data)


@lru_cache(maxsize=4)
def _cached_config(path: str) -> QualityConfig:
    return config_load(path)


def quality_config() -> QualityConfig:
    """The configuration in force: settings.XINFANG_QUALITY_FILE, else the app's checklists.toml."""
    return _cached_config(str(getattr(settings, "XINFANG_QUALITY_FILE", None) or DEFAULT_FILE))
