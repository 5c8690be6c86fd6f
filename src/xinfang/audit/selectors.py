"""Verifying the audit chain against itself, its head, and the signed checkpoints outside the database."""

from dataclasses import dataclass, field

from xinfang.audit import anchors
from xinfang.audit.chain import GENESIS_HASH, KEYED_VERSION, LEGACY_VERSION, chain_mac, event_digest
from xinfang.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    """One problem found, at the event it concerns (for a checkpoint: the event it anchors)."""

    event_id: int
    reason: str
    kind: str = ""  # a stable code, e.g. "mac", "link", "checkpoint_missing" (see audit_verify_report)


@dataclass
class AuditReport:
    checked: int = 0  # events read
    legacy: int = 0  # of which version 1 (unkeyed SHA-256, written before the chain was keyed)
    last_legacy_id: int = 0
    checkpoints: int = 0  # valid checkpoints in the anchor file
    problems: list[ChainBreak] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def audit_verify_report(*, batch_size: int = 5000) -> AuditReport:
    """Check every event, the head and every checkpoint; report each problem with the event it concerns.

    Problem kinds:
      link                      an event's prev_hash is not the hash of the event before it (one was removed)
      mac                       an event's content does not match its HMAC (or, version 1, its SHA-256)
      legacy_after_keyed        an unkeyed event after keyed ones: a rewrite dressed up as an old row
      unknown_version           an event of a chain version this code does not know
      checkpoint_unreadable / checkpoint_signature
                                a checkpoint line that cannot be read, or whose signature fails (forged)
      checkpoint_mismatch       a checkpointed event whose hash or position differs from the checkpoint
      checkpoint_missing        a checkpointed event that is no longer there
      head_behind_checkpoint    the chain ends before the newest checkpoint: its tail was cut
      head_mismatch             the chain head does not name the last event, or the number of events
    """
    report = AuditReport()
    anchored: dict[int, list[anchors.Checkpoint]] = {}
    for line in anchors.checkpoints_read():
        if line.checkpoint is None:
            kind = "checkpoint_unreadable" if line.claimed_event_id == 0 else "checkpoint_signature"
            report.problems.append(ChainBreak(
                line.claimed_event_id, f"{anchors.FILE_NAME} 第 {line.line_no} 行：{line.problem}", kind))
            continue
        report.checkpoints += 1
        anchored.setdefault(line.checkpoint.event_id, []).append(line.checkpoint)

    mac = chain_mac()
    prev_hash = GENESIS_HASH
    last_id = 0
    keyed_seen = False
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            report.checked += 1
            _check_event(report, event, prev_hash=prev_hash, keyed_seen=keyed_seen, mac=mac)
            keyed_seen = keyed_seen or event.version == KEYED_VERSION
            for checkpoint in anchored.pop(event.pk, []):
                if checkpoint.hash != event.hash or checkpoint.count != report.checked:
                    report.problems.append(ChainBreak(event.pk, (
                        f"与 {checkpoint.at} 的检查点不符（检查点：第 {checkpoint.count} 条，哈希 {checkpoint.hash[:12]}…；"
                        f"现在：第 {report.checked} 条，哈希 {event.hash[:12]}…）：此前的事件被改写、删除或插入"),
                        "checkpoint_mismatch"))
            # Each link is checked against the stored hash, so one edit is reported once, not at every later row.
            prev_hash = event.hash
            last_id = event.pk

    _check_tail(report, anchored, last_id=last_id, last_hash=prev_hash)
    return report


def _check_event(report: AuditReport, event: AuditEvent, *, prev_hash: str, keyed_seen: bool, mac) -> None:
    if event.version == LEGACY_VERSION:
        report.legacy += 1
        report.last_legacy_id = event.pk
        if keyed_seen:
            report.problems.append(ChainBreak(
                event.pk, "未加密钥的旧版事件出现在加密钥的事件之后：此事件被改写", "legacy_after_keyed"))
    elif event.version != KEYED_VERSION:
        report.problems.append(ChainBreak(event.pk, f"未知的链版本 {event.version}", "unknown_version"))
        return
    if event.prev_hash != prev_hash:
        report.problems.append(ChainBreak(
            event.pk, "prev_hash 与前一事件的哈希不符：前面的事件被删除或改写", "link"))
    if event_digest(prev_hash=event.prev_hash, event=event, mac=mac) != event.hash:
        kind = "HMAC" if event.version == KEYED_VERSION else "SHA-256"
        report.problems.append(ChainBreak(event.pk, f"内容与其 {kind} 不符：此事件被改写", "mac"))


def _check_tail(report: AuditReport, unseen: dict[int, list[anchors.Checkpoint]], *, last_id: int,
                last_hash: str) -> None:
    for event_id, checkpoints in sorted(unseen.items()):
        report.problems.append(ChainBreak(
            event_id, f"{checkpoints[0].at} 的检查点记录的事件 #{event_id} 已不存在", "checkpoint_missing"))
    newest = max((c for cs in unseen.values() for c in cs), key=lambda c: c.count, default=None)
    if newest is not None and (newest.event_id > last_id or newest.count > report.checked):
        report.problems.append(ChainBreak(newest.event_id, (
            f"审计链止于 #{last_id}（{report.checked} 条），早于 {newest.at} 的检查点 #{newest.event_id}"
            f"（{newest.count} 条）：链尾被截断"), "head_behind_checkpoint"))
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if report.checked:
            report.problems.append(ChainBreak(last_id, "审计链头不存在", "head_mismatch"))
        return
    if head.last_hash != last_hash or head.event_count != report.checked:
        # The newest events were deleted (or the head reset): the head still names what it last saw.
        report.problems.append(ChainBreak(head.last_event_id, (
            f"审计链头（#{head.last_event_id}，{head.event_count} 条）与链尾（#{last_id}，{report.checked} 条）不符："
            "链尾的事件缺失或链头被改动"), "head_mismatch"))


def audit_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain and the checkpoints; return (events checked, first problem or None)."""
    report = audit_verify_report(batch_size=batch_size)
    return report.checked, (report.problems[0] if report.problems else None)
