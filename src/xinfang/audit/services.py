"""Appending to and verifying the audit chain."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from xinfang.audit.middleware import current_ip
from xinfang.audit.models import AuditChainHead, AuditEvent
from xinfang.db import insert_rows

GENESIS_HASH = "0" * 64


def _event_digest(*, prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the event's content."""
    payload = {
        "prev": prev_hash,
        "at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip_address,
        # Plain JSON already: `_new_event` round-trips it, so the digest sees what the database gives back.
        "data": event.data,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _new_event(*, actor: Any | None, action: str, target: models.Model | None, data: dict[str, Any] | None,
               ip_address: str | None, prev_hash: str) -> AuditEvent:
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
    )
    event.hash = _event_digest(prev_hash=prev_hash, event=event)
    return event


def _locked_head() -> AuditChainHead:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the audit chain must be appended inside the transaction of the write it records")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
    return head


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
                       prev_hash=head.last_hash)
    event.save()
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
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
    events = []
    prev_hash = head.last_hash
    for entry in entries:
        event = _new_event(actor=entry.actor, action=entry.action, target=entry.target, data=entry.data,
                           ip_address=None, prev_hash=prev_hash)
        events.append(event)
        prev_hash = event.hash
    insert_rows(AuditEvent, events)
    head.last_hash = prev_hash
    head.last_event_id = AuditEvent.objects.filter(hash=prev_hash).values_list("id", flat=True).get()
    head.save(update_fields=["last_hash", "last_event_id"])


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def audit_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return (events checked, first broken link or None)."""
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev_hash:
                return checked, ChainBreak(event.pk, "prev_hash does not match the previous event")
            if _event_digest(prev_hash=prev_hash, event=event) != event.hash:
                return checked, ChainBreak(event.pk, "content does not match its hash")
            prev_hash = event.hash
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev_hash:
        # The newest events were deleted: the head still remembers the real end of the chain.
        return checked, ChainBreak(head.last_event_id, "events at the end of the chain are missing")
    return checked, None
