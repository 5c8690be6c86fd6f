"""Verifying the audit chain against itself, its head, and the signed checkpoints outside the database."""

from dataclasses import dataclass, field

from xinfang.audit import anchors
from xinfang.audit.appendonly import append_only_installed
from xinfang.audit.chain import GENESIS_HASH, KEYED_VERSION, LEGACY_VERSION, chain_mac, event_digest
from xinfang.audit.models import AuditChainHead, AuditEvent

# The event a purge appends: it names the last event it deleted, so the chain verifies from there on.
PURGE_ACTION = "audit.purged"


@dataclass(frozen=True)
class ChainBreak:
    """One problem found, at the event it concerns (for a checkpoint: the event it anchors)."""

    event_id: int
    reason: str
    kind: str = ""  # a stable code, e.g. "mac", "link", "checkpoint_missing" (see audit_verify_report)


@dataclass(frozen=True)
class PurgeBoundary:
    """Where the chain starts after a purge: the last deleted event, its hash, and its place in the chain."""

    anchor_id: int  # the `audit.purged` event recording it
    through_id: int
    through_hash: str
    through_count: int  # events ever purged, i.e. the place of `through_id` counting from 1


@dataclass
class AuditReport:
    checked: int = 0  # events read
    purged: int = 0  # events before the purge boundary, deleted by `xinfang audit purge`
    purged_through_id: int = 0
    append_only: bool = True  # the database's triggers are in place (migration 0005)
    legacy: int = 0  # of which version 1 (unkeyed SHA-256, written before the chain was keyed)
    last_legacy_id: int = 0
    checkpoints: int = 0  # valid checkpoints in the anchor file
    problems: list[ChainBreak] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def purge_boundary() -> PurgeBoundary | None:
    """The boundary the newest purge left, None if the chain was never purged.

    Only read here; its event is verified with the rest of the chain, so a forged one fails its HMAC.
    """
    anchor = AuditEvent.objects.filter(action=PURGE_ACTION).order_by("-id").first()
    if anchor is None:
        return None
    data = anchor.data if isinstance(anchor.data, dict) else {}
    try:
        return PurgeBoundary(anchor.pk, int(data["through_id"]), str(data["through_hash"]),
                             int(data["through_count"]))
    except (KeyError, TypeError, ValueError):
        return PurgeBoundary(anchor.pk, 0, "", 0)


def audit_verify_report(*, batch_size: int = 5000) -> AuditReport:
    """Check every event, the head and every checkpoint; report each problem with the event it concerns.

    After a purge the chain starts at the newest purge's boundary: the first event left must link to the last
    one deleted, and places (checkpoints, the head's count) go on counting the purged events.

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
      purge_anchor              the newest purge's event does not say where it cut
      before_purge_boundary     an event the purge deleted (by its id) is there again
      append_only_missing       the database's triggers that refuse UPDATE and DELETE are gone or disabled
    """
    report = AuditReport(append_only=append_only_installed())
    if not report.append_only:
        report.problems.append(ChainBreak(0, "数据库中禁止修改、删除审计事件的触发器缺失或被停用", "append_only_missing"))
    boundary = purge_boundary()
    if boundary is not None and boundary.through_id == 0:
        report.problems.append(ChainBreak(boundary.anchor_id, "清理记录未写明清理到哪一事件", "purge_anchor"))
        boundary = None
    anchored: dict[int, list[anchors.Checkpoint]] = {}
    for line in anchors.checkpoints_read():
        if line.checkpoint is None:
            kind = "checkpoint_unreadable" if line.claimed_event_id == 0 else "checkpoint_signature"
            report.problems.append(ChainBreak(
                line.claimed_event_id, f"{anchors.FILE_NAME} 第 {line.line_no} 行：{line.problem}", kind))
            continue
        report.checkpoints += 1
        anchored.setdefault(line.checkpoint.event_id, []).append(line.checkpoint)

    prev_hash = GENESIS_HASH
    if boundary is not None:
        report.purged, report.purged_through_id, prev_hash = (
            boundary.through_count, boundary.through_id, boundary.through_hash)
        _check_purged_checkpoints(report, anchored, boundary)
    mac = chain_mac()
    last_id = 0
    keyed_seen = False
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.pk <= report.purged_through_id:
                report.problems.append(ChainBreak(
                    event.pk, f"此事件已于清理（至 #{report.purged_through_id}）时删除，现又出现", "before_purge_boundary"))
                last_id = event.pk
                continue
            report.checked += 1
            _check_event(report, event, prev_hash=prev_hash, keyed_seen=keyed_seen, mac=mac)
            keyed_seen = keyed_seen or event.version == KEYED_VERSION
            place = report.purged + report.checked
            for checkpoint in anchored.pop(event.pk, []):
                if checkpoint.hash != event.hash or checkpoint.count != place:
                    report.problems.append(ChainBreak(event.pk, (
                        f"与 {checkpoint.at} 的检查点不符（检查点：第 {checkpoint.count} 条，哈希 {checkpoint.hash[:12]}…；"
                        f"现在：第 {place} 条，哈希 {event.hash[:12]}…）：此前的事件被改写、删除或插入"),
                        "checkpoint_mismatch"))
            # Each link is checked against the stored hash, so one edit is reported once, not at every later row.
            prev_hash = event.hash
            last_id = event.pk

    _check_tail(report, anchored, last_id=last_id, last_hash=prev_hash)
    return report


def _check_purged_checkpoints(report: AuditReport, anchored: dict[int, list[anchors.Checkpoint]],
                              boundary: PurgeBoundary) -> None:
    # Checkpoints of purged events can no longer be checked against their rows; the one at the boundary itself
    # must agree with what the purge recorded.
    for event_id in [e for e in anchored if e <= boundary.through_id]:
        for checkpoint in anchored.pop(event_id):
            if event_id == boundary.through_id and (checkpoint.hash != boundary.through_hash
                                                    or checkpoint.count != boundary.through_count):
                report.problems.append(ChainBreak(event_id, (
                    f"清理记录（#{boundary.anchor_id}）所记的边界与 {checkpoint.at} 的检查点不符"), "checkpoint_mismatch"))


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
    total = report.purged + report.checked  # the head and checkpoints count purged events too
    newest = max((c for cs in unseen.values() for c in cs), key=lambda c: c.count, default=None)
    if newest is not None and (newest.event_id > last_id or newest.count > total):
        report.problems.append(ChainBreak(newest.event_id, (
            f"审计链止于 #{last_id}（{total} 条），早于 {newest.at} 的检查点 #{newest.event_id}"
            f"（{newest.count} 条）：链尾被截断"), "head_behind_checkpoint"))
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if report.checked:
            report.problems.append(ChainBreak(last_id, "审计链头不存在", "head_mismatch"))
        return
    if head.last_hash != last_hash or head.event_count != total:
        # The newest events were deleted (or the head reset): the head still names what it last saw.
        report.problems.append(ChainBreak(head.last_event_id, (
            f"审计链头（#{head.last_event_id}，{head.event_count} 条）与链尾（#{last_id}，{total} 条）不符："
            "链尾的事件缺失或链头被改动"), "head_mismatch"))


def audit_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain and the checkpoints; return (events checked, first problem or None)."""
    report = audit_verify_report(batch_size=batch_size)
    return report.checked, (report.problems[0] if report.problems else None)
