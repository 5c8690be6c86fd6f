"""Appending to the audit chain, and anchoring it with signed checkpoints outside the database."""

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from xinfang.audit import anchors
from xinfang.audit.chain import GENESIS_HASH, chain_mac, event_digest, keyed_digest
from xinfang.audit.middleware import current_ip
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.audit.selectors import ChainBreak, audit_verify  # noqa: F401  (callers import them from here)
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
