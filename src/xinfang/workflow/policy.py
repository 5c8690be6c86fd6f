"""Clock lengths: statutory defaults shipped in default_policy.toml, local targets layered over them."""

import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from xinfang.workdays.calendar import Unit
from xinfang.workflow.models import Notice

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
class SmsTemplate:
    """The text of the SMS sent to consenting petitioners when a notice of one kind is issued."""

    text: str
    # The clock whose statutory due date `{due}` names (e.g. the 办理期限 a 受理告知 starts).
    due_clock: str | None = None


@dataclass(frozen=True)
class PetitionerSmsPolicy:
    """[petitioner_sms]: SMS to petitioners at the 告知 steps (xinfang.notifications.petitioner_sms)."""

    enabled: bool = False
    templates: dict[str, SmsTemplate] = field(default_factory=dict)


# What a petitioner SMS may say: never the matter's content, nothing that names the accused.
SMS_PLACEHOLDERS = frozenset({"office", "number", "issuer", "handling_org", "due"})


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
    petitioner_sms: PetitionerSmsPolicy = field(default_factory=PetitionerSmsPolicy)


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


def _sms_template(kind: str, raw: dict, clocks: dict) -> SmsTemplate | None:
    where = f"petitioner_sms.templates.{kind}"
    text, due_clock = str(raw.get("text", "")), raw.get("due_clock") or None
    if not text:
        return None  # a county switches one kind off with text = ""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise ImproperlyConfigured(f"policy {where}: bad template: {error}") from None
    if names - SMS_PLACEHOLDERS:
        raise ImproperlyConfigured(f"policy {where}: unknown placeholders {sorted(names - SMS_PLACEHOLDERS)}; "
                                   f"allowed: {sorted(SMS_PLACEHOLDERS)}")
    if due_clock is not None and due_clock not in clocks:
        raise ImproperlyConfigured(f"policy {where}: due_clock {due_clock!r} is not a clock of [clocks]")
    if "due" in names and due_clock is None:
        raise ImproperlyConfigured(f"policy {where}: {{due}} needs due_clock")
    return SmsTemplate(text=text, due_clock=due_clock)


def _petitioner_sms(raw: dict, clocks: dict) -> PetitionerSmsPolicy:
    templates = {}
    for kind, template in raw.get("templates", {}).items():
        if kind not in Notice.Kind.values:
            raise ImproperlyConfigured(f"policy petitioner_sms.templates: {kind!r} is not a notice kind")
        parsed = _sms_template(kind, template, clocks)
        if parsed is not None:
            templates[kind] = parsed
    return PetitionerSmsPolicy(enabled=bool(raw.get("enabled", False)), templates=templates)


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
                  approaching_working_days=int(warnings.get("approaching_working_days", 2)),
                  petitioner_sms=_petitioner_sms(data.get("petitioner_sms", {}), clocks))


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
