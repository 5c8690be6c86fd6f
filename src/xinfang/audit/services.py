"""Appending to the audit chain, anchoring it with signed checkpoints outside the database, purging what is past
retention, and the scheduled verification."""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from xinfang.audit import anchors
from xinfang.audit.appendonly import RETENTION_FLOOR_DAYS, purge_permitted
from xinfang.audit.chain import GENESIS_HASH, chain_mac, event_digest, keyed_digest
from xinfang.audit.middleware import current_ip
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.audit.selectors import (  # noqa: F401  (callers import ChainBreak and audit_verify from here)
    PURGE_ACTION,
    AuditReport,
    ChainBreak,
    audit_verify,
    audit_verify_report,
)
from xinfang.db import insert_rows

logger = logging.getLogger(__name__)


def _new_event(*, actor: Any | None, action: str, target: models.Model | None, data: dict[str, Any] | None,
               ip_address: str | None, prev_hash: str, mac) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_label=user.get_username() if user else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=ip_address or current_ip.get(),
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        prev_hash=prev_hash,
        version=AuditEvent.Version.KEYED,
    )
    event.hash = keyed_digest(prev_hash=prev_hash, event=event, mac=mac)
    return event


def _locked_head() -> AuditChainHead:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the audit chain must be appended inside the transaction of the write it records")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
    return head


def _advance_head(head: AuditChainHead, *, last_hash: str, last_event_id: int, added: int) -> None:
    before = head.event_count
    head.last_hash = last_hash
    head.last_event_id = last_event_id
    head.event_count = before + added
    head.save(update_fields=["last_hash", "last_event_id", "event_count"])
    every = settings.XINFANG_AUDIT_CHECKPOINT_EVERY
    if every > 0 and before // every != head.event_count // every and not _checkpoint_pending():
        # After the commit: a checkpoint must only anchor events that exist, and its file cannot roll back.
        transaction.on_commit(_checkpoint_after_commit)


def _checkpoint_pending() -> bool:
    # One checkpoint per transaction is enough (it anchors the head as committed): an all-or-nothing import
    # passes a multiple of N in many of its batches. Django keeps the pending callbacks as (savepoints, func,
    # robust) on the connection and drops those of a rolled-back savepoint, so this never misses one.
    return any(entry[1] is _checkpoint_after_commit for entry in transaction.get_connection().run_on_commit)


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    head = _locked_head()
    event = _new_event(actor=actor, action=action, target=target, data=data, ip_address=ip_address,
                       prev_hash=head.last_hash, mac=chain_mac())
    event.save()
    _advance_head(head, last_hash=event.hash, last_event_id=event.pk, added=1)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event for `audit_record_many` (the arguments of `audit_record`)."""

    actor: Any | None
    action: str
    target: models.Model | None = None
    data: dict[str, Any] | None = None


def audit_record_many(entries: list[AuditEntry]) -> None:
    """Append events in order with one lock of the chain and one INSERT per batch (a bulk import).

    The chain is the same as `audit_record` called once per entry would make.
    """
    if not entries:
        return
    head = _locked_head()
    mac = chain_mac()
    events = []
    prev_hash = head.last_hash
    for entry in entries:
        event = _new_event(actor=entry.actor, action=entry.action, target=entry.target, data=entry.data,
                           ip_address=None, prev_hash=prev_hash, mac=mac)
        events.append(event)
        prev_hash = event.hash
    insert_rows(AuditEvent, events)
    last_event_id = AuditEvent.objects.filter(hash=prev_hash).values_list("id", flat=True).get()
    _advance_head(head, last_hash=prev_hash, last_event_id=last_event_id, added=len(events))


class CheckpointRefused(Exception):
    """The head does not match its own event: anchoring it would vouch for a chain that is already wrong."""


def audit_checkpoint() -> anchors.Checkpoint | None:
    """Write a signed checkpoint of the chain's current head to the anchor folder; None when the chain is empty.

    Raises OSError when the file cannot be written and CheckpointRefused when the head's event is missing or
    fails its own check (run `xinfang audit verify`).
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.event_count == 0:
        return None
    event = AuditEvent.objects.filter(pk=head.last_event_id).first()
    if event is None or event.hash != head.last_hash:
        raise CheckpointRefused(f"审计链头指向的事件 #{head.last_event_id} 不存在或与链头不符")
    if event_digest(prev_hash=event.prev_hash, event=event) != event.hash:
        raise CheckpointRefused(f"审计链头的事件 #{event.pk} 内容与其 HMAC 不符")
    checkpoint = anchors.Checkpoint(event_id=event.pk, hash=event.hash, count=head.event_count,
                                    at=timezone.now().isoformat(timespec="seconds"))
    anchors.checkpoint_append(checkpoint)
    return checkpoint


def _checkpoint_after_commit() -> None:
    # The audit records are committed by now; a checkpoint that cannot be written must not turn the action
    # into an error for the user, so it is logged for the operators (and the timer's next run tries again).
    try:
        audit_checkpoint()
    except Exception:
        logger.exception("audit checkpoint could not be written to %s", anchors.anchor_path())


# --- retention ------------------------------------------------------------------------------------------------

VERIFY_ACTION = "audit.verified"


def audit_retention_days() -> int:
    """XINFANG_AUDIT_RETENTION_DAYS, refused under the 6-month floor (read at call time: tests override it)."""
    days = int(settings.XINFANG_AUDIT_RETENTION_DAYS)
    if days < RETENTION_FLOOR_DAYS:
        raise ImproperlyConfigured(f"XINFANG_AUDIT_RETENTION_DAYS={days}：审计日志至少保存 {RETENTION_FLOOR_DAYS} 天（6 个月）"
                                   f" (audit retention must be at least {RETENTION_FLOOR_DAYS} days)")
    return days


class PurgeRefused(Exception):
    """The chain does not verify: purging would destroy the evidence of what is wrong with it."""


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime  # events from this instant on are kept
    retention_days: int
    deleted: int  # (a dry run: would be deleted)
    through_id: int  # the last event deleted; 0 when none
    dry_run: bool
    event: AuditEvent | None = None  # the `audit.purged` event appended


def audit_purge(*, actor: Any | None = None, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    """Delete the oldest events, those before now − retention, and append an `audit.purged` event naming the last.

    Only a run of the oldest events goes, up to the first one inside retention: an event younger than the cutoff
    is never deleted, nor anything after it, so the chain left is one unbroken piece. The `audit.purged` event
    records the last deleted event's id, hash and place; verification starts from there. Refused (PurgeRefused)
    when the chain does not verify. The database itself lets the DELETE through only with the purge flag raised
    in this transaction, and only for events older than 183 days.
    """
    retention = audit_retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=retention)
    with transaction.atomic():
        head = _locked_head()  # no append meanwhile: what is verified is what is cut
        report = audit_verify_report()
        if not report.intact:
            first = report.problems[0]
            raise PurgeRefused(f"审计链验证未通过（{len(report.problems)} 处问题，首处在事件 #{first.event_id}，"
                               f"{first.kind}），不清理：请先运行 xinfang audit verify 查明")
        first_kept = (AuditEvent.objects.filter(occurred_at__gte=cutoff).order_by("id")
                      .values_list("id", flat=True).first())
        old = AuditEvent.objects.filter(id__gt=report.purged_through_id)
        if first_kept is not None:
            old = old.filter(id__lt=first_kept)
        span = old.aggregate(through_id=Max("id"), count=Count("id"))
        through_id, count = span["through_id"] or 0, span["count"]
        if dry_run or count == 0:
            return PurgeResult(cutoff, retention, count, through_id, dry_run)
        through = AuditEvent.objects.get(pk=through_id)
        with purge_permitted():
            deleted, _ = AuditEvent.objects.filter(id__lte=through_id).delete()
        event = _purge_event(head, actor=actor, through=through, deleted=deleted, cutoff=cutoff,
                             retention=retention, through_count=report.purged + count)
    return PurgeResult(cutoff, retention, deleted, through_id, dry_run, event)


def _purge_event(head: AuditChainHead, *, actor: Any | None, through: AuditEvent, deleted: int, cutoff: datetime,
                 retention: int, through_count: int) -> AuditEvent:
    data = {"through_id": through.pk, "through_hash": through.hash, "through_at": through.occurred_at,
            "through_count": through_count, "deleted": deleted, "cutoff": cutoff, "retention_days": retention}
    event = _new_event(actor=actor, action=PURGE_ACTION, target=None, data=data, ip_address=None,
                       prev_hash=head.last_hash, mac=chain_mac())
    event.save()
    _advance_head(head, last_hash=event.hash, last_event_id=event.pk, added=1)
    return event


# --- scheduled verification ------------------------------------------------------------------------------------

MAX_REPORTED = 20  # problems kept in the event's data; the count says the rest


def audit_verify_scheduled() -> AuditReport:
    """Verify the whole chain, record the outcome as an `audit.verified` event, and on a failure notify every
    active 安全审计员 in-app (e-mail and SMS follow with the next notification delivery)."""
    report = audit_verify_report()
    problems = [{"event_id": p.event_id, "kind": p.kind} for p in report.problems[:MAX_REPORTED]]
    with transaction.atomic():
        audit_record(actor=None, action=VERIFY_ACTION, data={
            "intact": report.intact, "checked": report.checked, "purged": report.purged,
            "checkpoints": report.checkpoints, "append_only": report.append_only,
            "problem_count": len(report.problems), "problems": problems})
        if not report.intact:
            _notify_auditors(report)
    return report


def _notify_auditors(report: AuditReport) -> None:
    # Imported here: the audit app is below orgs and notifications (both record audit events).
    from xinfang.notifications.models import Notification
    from xinfang.orgs.models import Role, User

    first = report.problems[0]
    title = "审计链定时验证失败"
    body = (f"{timezone.localtime():%Y-%m-%d %H:%M} 定时验证审计链发现 {len(report.problems)} 处问题，"
            f"首处在事件 #{first.event_id}（{first.kind}）：{first.reason}。"
            "审计日志可能被改动、删除或截断；请运行 xinfang audit verify 查看全部问题并核查。")
    auditors = User.objects.filter(is_active=True, roles__role=Role.AUDITOR).distinct()
    Notification.objects.bulk_create([Notification(recipient=user, title=title, body=body) for user in auditors])
