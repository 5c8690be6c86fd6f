"""Clock lengths: statutory defaults shipped in default_policy.toml, local targets layered over them."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from xinfang.workdays.calendar import Unit

DEFAULT_POLICY = Path(__file__).with_name("default_policy.toml")


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit


@dataclass(frozen=True)
class ClockPolicy:
    kind: str
    label: str
    statutory: Period
    target: Period | None
    max_extension_days: int = 0


@dataclass(frozen=True)
class Policy:
    clocks: dict[str, ClockPolicy]
    approaching_days: int
    seriously_overdue_days: int
    # 补录: an action may be dated up to this many working days before the day it is entered; earlier only
    # by a 信访部门审核员 with a reason (checks.late_entry_allowed).
    late_entry_window_days: int = 3
    # 临期 warnings (xinfang.notifications): sent this many working days before the statutory due date.
    approaching_working_days: int = 2


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _period(raw: dict | None, where: str) -> Period | None:
    if raw is None:
        return None
    try:
        length, unit = int(raw["length"]), Unit(raw["unit"])
    except (KeyError, ValueError) as error:
        raise ImproperlyConfigured(
            f"policy {where}: needs length and unit (calendar_days|working_days): {error}"
        ) from None
    if length < 0:
        raise ImproperlyConfigured(f"policy {where}: length must not be negative")
    return Period(length, unit)


def parse_policy(data: dict) -> Policy:
    clocks = {}
    for kind, raw in data["clocks"].items():
        statutory = _period(raw.get("statutory"), f"clocks.{kind}.statutory")
        if statutory is None:
            raise ImproperlyConfigured(f"policy clocks.{kind}: a statutory period is required")
        target = _period(raw.get("target"), f"clocks.{kind}.target")
        clocks[kind] = ClockPolicy(kind=kind, label=raw.get("label", kind), statutory=statutory, target=target,
                                   max_extension_days=int(raw.get("max_extension_days", 0)))
    warnings = data.get("warnings", {})
    window = int(data.get("late_entry", {}).get("window_working_days", 3))
    if window < 0:
        raise ImproperlyConfigured("policy late_entry.window_working_days must not be negative")
    return Policy(clocks=clocks, approaching_days=int(warnings.get("approaching_days", 3)),
                  seriously_overdue_days=int(warnings.get("seriously_overdue_days", 30)),
                  late_entry_window_days=window,
                  approaching_working_days=int(warnings.get("approaching_working_days", 2)))


@cache
def _load(path: str | None) -> Policy:
    data = tomllib.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    if path:
        try:
            local = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ImproperlyConfigured(f"cannot read XINFANG_POLICY_FILE {path}: {error}") from None
        data = _merge(data, local)
    return parse_policy(data)


def current_policy() -> Policy:
    """The policy in force: defaults, overridden by the file settings.XINFANG_POLICY_FILE names."""
    return _load(getattr(settings, "XINFANG_POLICY_FILE", None) or None)
