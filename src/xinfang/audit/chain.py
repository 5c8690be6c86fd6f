"""How one audit event is sealed: the digest of each chain version, and the keys they use.

Version 1 (the rows written before the chain was keyed) is plain SHA-256 over the previous hash and the
event's canonical JSON: anyone with database access can recompute it. Version 2 is HMAC-SHA256 with a key
derived from `XINFANG_AUDIT_KEY`, which is kept apart from the database, so a rewritten row cannot be
resealed without the key. The same key, under another derivation, signs the checkpoints (`anchors`).
"""

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64
LEGACY_VERSION = 1  # unkeyed SHA-256, verified as such and reported
KEYED_VERSION = 2  # HMAC-SHA256 with the audit key: what every new event is

# Separate keys for separate jobs, so a chain MAC can never pass as a checkpoint signature or the reverse.
_CHAIN_LABEL = b"xinfang audit chain v2"
_CHECKPOINT_LABEL = b"xinfang audit checkpoint v1"


@lru_cache(maxsize=4)
def _derived_keys(raw_key: str) -> tuple[hmac.HMAC, bytes]:
    root = raw_key.encode("utf-8")
    chain_key = hmac.new(root, _CHAIN_LABEL, hashlib.sha256).digest()
    checkpoint_key = hmac.new(root, _CHECKPOINT_LABEL, hashlib.sha256).digest()
    # A keyed HMAC object to copy per event: copying skips re-deriving the key pads (the bulk import seals
    # tens of thousands of events a batch).
    return hmac.new(chain_key, digestmod=hashlib.sha256), checkpoint_key


def chain_mac() -> hmac.HMAC:
    """The keyed HMAC to `.copy()` for each event (settings are read at call time, so tests can override)."""
    return _derived_keys(settings.XINFANG_AUDIT_KEY)[0]


def checkpoint_key() -> bytes:
    return _derived_keys(settings.XINFANG_AUDIT_KEY)[1]


def canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _payload(*, prev_hash: str, event: Any) -> dict[str, Any]:
    return {
        "prev": prev_hash,
        "at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip_address,
        # Plain JSON already: events are built from a JSON round trip, so the digest sees what the database
        # gives back.
        "data": event.data,
    }


def legacy_digest(*, prev_hash: str, event: Any) -> str:
    """Version 1: SHA-256 over the previous hash and the event's canonical JSON (kept only to verify old rows)."""
    return hashlib.sha256(canonical_json(_payload(prev_hash=prev_hash, event=event))).hexdigest()


def keyed_digest(*, prev_hash: str, event: Any, mac: hmac.HMAC | None = None) -> str:
    """Version 2: HMAC-SHA256 with the audit key; the version is sealed too, so it cannot be relabelled."""
    payload = _payload(prev_hash=prev_hash, event=event)
    payload["v"] = KEYED_VERSION
    sealed = (mac or chain_mac()).copy()
    sealed.update(canonical_json(payload))
    return sealed.hexdigest()


def event_digest(*, prev_hash: str, event: Any, mac: hmac.HMAC | None = None) -> str | None:
    """The digest `event` should carry under its own version; None for a version this code does not know."""
    if event.version == KEYED_VERSION:
        return keyed_digest(prev_hash=prev_hash, event=event, mac=mac)
    if event.version == LEGACY_VERSION:
        return legacy_digest(prev_hash=prev_hash, event=event)
    return None
