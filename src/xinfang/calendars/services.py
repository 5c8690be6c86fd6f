"""Writes to the calendar: loading a year's holiday schedule, setting an org's own days.

Every function here is one transaction with its audit event. Who may write: an administrator (or a
superuser); `actor=None` means the command line, whose operator already controls the server.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.calendars.models import HolidaySchedule, OrgCalendarDay
from xinfang.calendars.selectors import schedule_for_year
from xinfang.calendars.signals import (
    DeadlineRecomputed,
    calendar_days_changed,
    org_calendar_changed,
    schedule_loaded,
)
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.permissions import require_role
from xinfang.orgs.selectors import user_scope_root
from xinfang.workdays import Schedule, WorkCalendar, official_schedules, parse_schedule_file

logger = logging.getLogger(__name__)

# The shipped data/2027.example.toml starts its source with this; such a file is refused.
EXAMPLE_SOURCE_PREFIX = "格式示例"


def _send_after_commit(signal, **kwargs) -> None:
    """Send `signal` once the current transaction commits; a failing receiver is logged, not raised."""

    def send() -> None:
        for receiver, result in signal.send_robust(**kwargs):
            if isinstance(result, Exception):
                logger.error("calendar signal receiver %r failed: %r", receiver, result, exc_info=result)

    transaction.on_commit(send)


@dataclass(frozen=True)
class ScheduleLoad:
    """A loaded schedule and the open deadlines the load moved (recomputed in the same transaction)."""

    schedule: HolidaySchedule
    recomputed: tuple[DeadlineRecomputed, ...]


@dataclass(frozen=True)
class OrgDayChange:
    """An org's day as set, and the open deadlines of its subtree that moved."""

    entry: OrgCalendarDay
    recomputed: tuple[DeadlineRecomputed, ...]


def _recompute_deadlines(*, sender, days: frozenset[date], org_path: str | None, year: int | None, cause: str,
                         cause_data: dict, actor: User | None) -> tuple[DeadlineRecomputed, ...]:
    """Ask the receivers (the workflow app) to recompute, inside the caller's transaction.

    `send`, not `send_robust`: a failing recomputation must undo the change with it, or deadlines would
    silently disagree with the calendar.
    """
    responses = calendar_days_changed.send(sender=sender, days=days, org_path=org_path, year=year, cause=cause,
                                           cause_data=cause_data, actor=actor)
    return tuple(item for _receiver, items in responses for item in (items or ()))


def _days_changed(*, year: int, old: Schedule | None, new: Schedule) -> frozenset[date]:
    """Days of `year` that are a rest day under one schedule and a workday under the other, or renamed.

    `old=None`: the year was unknown, so deadlines were counted with weekends only.
    """
    before = WorkCalendar({year: old} if old is not None else {})
    after = WorkCalendar({year: new})
    old_names = {**old.rest_days, **old.work_days} if old is not None else {}
    new_names = {**new.rest_days, **new.work_days}
    changed = set()
    day = date(year, 1, 1)
    while day.year == year:
        if before.is_workday(day) != after.is_workday(day) or old_names.get(day) != new_names.get(day):
            changed.add(day)
        day += timedelta(days=1)
    return frozenset(changed)


def check_calendar_scope(*, actor: User | None, org: Org) -> None:
    """Raise PermissionDenied unless `actor` may set days for `org` (its own subtree; superusers: any)."""
    if actor is None or actor.is_superuser:
        return
    require_role(actor, [Role.ADMINISTRATOR], action="设置地方休息日/工作日")
    root = user_scope_root(user=actor)
    if root is None or not org.path.startswith(root.path):
        raise PermissionDenied(f"只能为本机构及下级机构设置休息日/工作日，“{org}”不在管辖范围内")


@transaction.atomic
def holiday_schedule_load(*, text: str, actor: User | None, replace_official: bool = False) -> ScheduleLoad:
    """Load a year's schedule from the text of a TOML file; it replaces that year's current version.

    In the same transaction, every open deadline whose counting window contains a day the load changed
    (and every provisional one) is recomputed and recorded (`signals.calendar_days_changed`).

    Raises `workdays.ScheduleFileError` (message unchanged from the parser) for an invalid file,
    `ValidationError` for a year the official package already covers (unless `replace_official`) or for
    the shipped format example, and `PermissionDenied` for an actor who is not an administrator.
    After commit, `signals.schedule_loaded` is sent as a notification.
    """
    if actor is not None:
        require_role(actor, [Role.ADMINISTRATOR], action="载入节假日安排")
    schedule = parse_schedule_file(text)
    if schedule.source.startswith(EXAMPLE_SOURCE_PREFIX):
        # Fictional dates must never end up in real deadlines.
        raise ValidationError("这是格式示例文件，其中的日期是虚构的，不能载入。请按国务院办公厅的通知改写日期和 source 后再载入")
    if schedule.year in official_schedules() and not replace_official:
        raise ValidationError(
            f"{schedule.year}年的节假日安排已由官方数据包（chinese-calendar）提供，以国务院通知为准，未载入。"
            "如确需替换官方数据，请明确指定替换（命令行加 --replace-official）"
        )
    # Locking the current row makes a concurrent load of the same year wait instead of racing.
    previous = HolidaySchedule.objects.select_for_update().filter(year=schedule.year, is_current=True).first()
    # What deadlines were counted with until now: the loaded version in effect, the package, or nothing.
    in_effect = schedule_for_year(year=schedule.year)
    days = _days_changed(year=schedule.year, old=in_effect.schedule if in_effect else None, new=schedule)
    now = timezone.now()
    if previous is not None:
        previous.is_current = False
        previous.superseded_at = now
        previous.save(update_fields=["is_current", "superseded_at"])
    loaded = HolidaySchedule(
        year=schedule.year,
        rest_days={day.isoformat(): name for day, name in sorted(schedule.rest_days.items())},
        work_days={day.isoformat(): name for day, name in sorted(schedule.work_days.items())},
        source=schedule.source[:255],  # the title for lists; the whole file is kept in file_text
        file_text=text,
        replaces_official=schedule.year in official_schedules(),
        loaded_at=now,
        loaded_by=actor,
    )
    loaded.full_clean()
    loaded.save()
    audit_record(
        actor=actor, action="calendar.schedule_load", target=loaded,
        data={
            "year": schedule.year, "source": loaded.source, "rest_days": len(schedule.rest_days),
            "work_days": len(schedule.work_days), "replaces_official": loaded.replaces_official,
            "superseded_id": previous.pk if previous else None,
            "file_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "days_changed": [day.isoformat() for day in sorted(days)],
        },
    )
    # The case history says which schedule moved a deadline, by its id (`xinfang holidays show YEAR`).
    verb = "重新载入" if previous is not None else "替换官方" if loaded.replaces_official else "载入"
    recomputed = _recompute_deadlines(
        sender=HolidaySchedule, days=days, org_path=None, year=loaded.year,
        cause=f"{verb}{loaded.year}年节假日安排（#{loaded.pk}）",
        cause_data={"schedule_id": loaded.pk, "year": loaded.year}, actor=actor,
    )
    _send_after_commit(schedule_loaded, sender=HolidaySchedule, year=loaded.year, schedule_id=loaded.pk)
    return ScheduleLoad(schedule=loaded, recomputed=recomputed)


@transaction.atomic
def org_calendar_day_set(*, org: Org, day: date, kind: str, name: str, actor: User | None) -> OrgDayChange:
    """Set `org`'s own rest day or workday on `day` (creating it or changing the existing entry).

    The open deadlines of the org's subtree that count across `day` are recomputed in the same transaction.
    """
    check_calendar_scope(actor=actor, org=org)
    entry = OrgCalendarDay.objects.select_for_update().filter(org=org, date=day).first()
    before = {"kind": entry.kind, "name": entry.name} if entry else None
    if entry is None:
        entry = OrgCalendarDay(org=org, date=day)
    entry.kind = kind
    entry.name = name.strip()
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor, action="calendar.org_day_set", target=entry,
        data={"org": org.pk, "date": day.isoformat(), "kind": entry.kind, "name": entry.name, "before": before},
    )
    unchanged = before == {"kind": entry.kind, "name": entry.name}
    recomputed = () if unchanged else _recompute_deadlines(
        sender=OrgCalendarDay, days=frozenset({day}), org_path=org.path, year=None,
        cause=f"{org.name}将 {day:%Y-%m-%d} 设为{entry.get_kind_display()}（{entry.name}）",
        cause_data={"org_day": entry.pk, "org": org.pk, "date": day.isoformat(), "kind": entry.kind},
        actor=actor,
    )
    _send_after_commit(org_calendar_changed, sender=OrgCalendarDay, org_id=org.pk, org_path=org.path, day=day)
    return OrgDayChange(entry=entry, recomputed=recomputed)


@transaction.atomic
def org_calendar_day_remove(*, entry: OrgCalendarDay, actor: User | None) -> tuple[DeadlineRecomputed, ...]:
    """Remove an org's own day; the audit event keeps what it was. Returns the deadlines that moved."""
    org = entry.org
    check_calendar_scope(actor=actor, org=org)
    data = {"org": org.pk, "date": entry.date.isoformat(), "kind": entry.kind, "name": entry.name}
    target_id = entry.pk
    audit_record(actor=actor, action="calendar.org_day_remove", target=entry, data=data)
    OrgCalendarDay.objects.filter(pk=target_id).delete()
    recomputed = _recompute_deadlines(
        sender=OrgCalendarDay, days=frozenset({entry.date}), org_path=org.path, year=None,
        cause=f"{org.name}取消 {entry.date:%Y-%m-%d} 的{entry.get_kind_display()}（{entry.name}）",
        cause_data={"org_day": target_id, "org": org.pk, "date": entry.date.isoformat(), "removed": True},
        actor=actor,
    )
    _send_after_commit(org_calendar_changed, sender=OrgCalendarDay, org_id=org.pk, org_path=org.path,
                       day=entry.date)
    return recomputed
