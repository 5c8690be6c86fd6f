"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "at this time the chain held `count` events and ended at event `event_id` with `hash`",
signed with the audit key. It is one JSON line appended to `audit-checkpoints.jsonl` in
`XINFANG_AUDIT_ANCHOR_DIR` (a directory the database's users cannot write: another disk, an append-only
mount, a copy shipped off the machine). Someone who can rewrite the database can then still not cut the
tail of the chain, or rewrite a checkpointed event, without `xinfang audit verify` noticing.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from xinfang.audit.chain import canonical_json, checkpoint_key

FILE_NAME = "audit-checkpoints.jsonl"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    event_id: int
    hash: str
    count: int
    at: str  # ISO 8601, as written

    def signed_fields(self) -> dict:
        return {"v": FORMAT_VERSION, "event_id": self.event_id, "hash": self.hash, "count": self.count,
                "at": self.at}


@dataclass(frozen=True)
class CheckpointLine:
    """One line of the file as read back: its checkpoint when it parsed and its signature held."""

    line_no: int
    checkpoint: Checkpoint | None
    claimed_event_id: int  # what the line says, even when its signature fails (0 when unreadable)
    problem: str = ""  # "" when the line is a valid checkpoint


def anchor_path() -> Path:
    return Path(settings.XINFANG_AUDIT_ANCHOR_DIR) / FILE_NAME


def sign(checkpoint: Checkpoint) -> str:
    return hmac.new(checkpoint_key(), canonical_json(checkpoint.signed_fields()), hashlib.sha256).hexdigest()


def checkpoint_append(checkpoint: Checkpoint) -> Path:
    """Append one signed line and fsync it (and the directory when the file is new); raises OSError."""
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**checkpoint.signed_fields(), "sig": sign(checkpoint)}, sort_keys=True) + "\n"
    is_new = not path.exists()
    # O_APPEND: every writer adds at the end, never over an earlier line; one write() call per line keeps
    # lines from interleaving when two processes checkpoint at once.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if is_new and hasattr(os, "O_DIRECTORY"):
        # The new file's directory entry must survive a crash too.
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def checkpoints_read() -> list[CheckpointLine]:
    """Every line of the checkpoint file, each checked for form and signature (an absent file is no lines)."""
    path = anchor_path()
    if not path.exists():
        return []
    lines = []
    with path.open("rb") as f:
        for line_no, raw in enumerate(f, start=1):
            if raw.strip():
                lines.append(_parse(line_no, raw))
    return lines


def _parse(line_no: int, raw: bytes) -> CheckpointLine:
    try:
        fields = json.loads(raw)
        checkpoint = Checkpoint(event_id=int(fields["event_id"]), hash=str(fields["hash"]),
                                count=int(fields["count"]), at=str(fields["at"]))
        version, signature = fields["v"], str(fields["sig"])
        datetime.fromisoformat(checkpoint.at)
    except (ValueError, TypeError, KeyError):
        return CheckpointLine(line_no, None, 0, "检查点无法读取（格式错误或写入不完整）")
    if version != FORMAT_VERSION:
        return CheckpointLine(line_no, None, checkpoint.event_id, f"检查点格式版本 {version!r} 未知")
    if not hmac.compare_digest(signature, sign(checkpoint)):
        return CheckpointLine(line_no, None, checkpoint.event_id, "检查点签名不符（伪造、被改动或审计密钥不同）")
    return CheckpointLine(line_no, checkpoint, checkpoint.event_id)
