"""`xinfang audit verify | checkpoint`: check the keyed chain and its checkpoints; anchor the current head."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.audit import anchors
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import CheckpointRefused, audit_checkpoint

MAX_LISTED = 50  # a rewrite resealed with plain SHA-256 breaks every later row; the count says the rest


class Command(BaseCommand):
    help = ("Audit log tools. `verify` checks every event's HMAC, the links, the head and every signed checkpoint "
            "(non-zero exit on any problem). `checkpoint` writes a signed checkpoint of the chain's head to "
            "XINFANG_AUDIT_ANCHOR_DIR (run it from a cron job or systemd timer).")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):
        if options["subcommand"] == "checkpoint":
            self._checkpoint()
        else:
            self._verify()

    def _checkpoint(self) -> None:
        try:
            checkpoint = audit_checkpoint()
        except CheckpointRefused as exc:
            raise CommandError(f"未写检查点：{exc}；请先运行 xinfang audit verify (checkpoint refused)") from exc
        except OSError as exc:
            raise CommandError(f"检查点无法写入 {anchors.anchor_path()}：{exc} (checkpoint not written)") from exc
        if checkpoint is None:
            self.stdout.write("审计链为空，无需检查点 (the audit chain is empty: nothing to checkpoint)")
            return
        self.stdout.write(f"检查点已写入 {anchors.anchor_path()}：事件 #{checkpoint.event_id}，共 {checkpoint.count} 条 "
                          f"(checkpoint written: event #{checkpoint.event_id}, {checkpoint.count} events)")

    def _verify(self) -> None:
        report = audit_verify_report()
        legacy = (f"，其中 {report.legacy} 条为加密钥前的旧记录（SHA-256，至 #{report.last_legacy_id}）"
                  if report.legacy else "")
        summary = f"{report.checked} 条事件{legacy}，{report.checkpoints} 个有效检查点（{anchors.anchor_path()}）"
        if report.intact:
            self.stdout.write(f"审计链完好：{summary} (audit chain intact: {report.checked} events verified, "
                              f"{report.legacy} of them legacy unkeyed SHA-256; {report.checkpoints} checkpoints)")
            if report.checkpoints == 0 and report.checked:
                self.stderr.write("警告：没有检查点，无法发现链尾被截断；请定时运行 xinfang audit checkpoint "
                                  "(warning: no checkpoints, a cut tail cannot be detected)")
            return
        for problem in report.problems[:MAX_LISTED]:
            self.stderr.write(f"事件 #{problem.event_id} [{problem.kind}]：{problem.reason}")
        if len(report.problems) > MAX_LISTED:
            self.stderr.write(f"……另有 {len(report.problems) - MAX_LISTED} 处问题")
        first = report.problems[0]
        raise CommandError(f"审计链验证失败：{len(report.problems)} 处问题，首处在事件 #{first.event_id}（{summary}）"
                           f" (audit chain broken at event #{first.event_id}: {first.kind})")
