"""`xinfang audit verify | checkpoint | purge | grants`: check the keyed chain and its checkpoints; anchor the
current head; delete what is past retention; print the GRANTs of PostgreSQL's application role."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from xinfang.audit import anchors
from xinfang.audit.appendonly import grants_sql
from xinfang.audit.selectors import audit_verify_report
from xinfang.audit.services import CheckpointRefused, PurgeRefused, audit_checkpoint, audit_purge

MAX_LISTED = 50  # a rewrite resealed with plain SHA-256 breaks every later row; the count says the rest


class Command(BaseCommand):
    help = ("Audit log tools. `verify` checks every event's HMAC, the links, the head and every signed checkpoint "
            "(non-zero exit on any problem). `checkpoint` writes a signed checkpoint of the chain's head to "
            "XINFANG_AUDIT_ANCHOR_DIR (run it from a cron job or systemd timer). `purge [--dry-run]` deletes the "
            "oldest events, older than XINFANG_AUDIT_RETENTION_DAYS, keeping the chain verifiable (run it as the "
            "tables' owner on PostgreSQL). `grants --role NAME` prints the SQL that lets the application's role "
            "read and append to the audit log but never change it.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "checkpoint", "purge", "grants"])
        parser.add_argument("--dry-run", action="store_true", help="purge: say what would be deleted, delete nothing")
        parser.add_argument("--role", default="xinfang_app", help="grants: the application's database role")
        parser.add_argument("--schema", default="public", help="grants: the schema of the tables")

    def handle(self, *args, **options):
        subcommand = options["subcommand"]
        if subcommand == "checkpoint":
            self._checkpoint()
        elif subcommand == "purge":
            self._purge(dry_run=options["dry_run"])
        elif subcommand == "grants":
            self._grants(role=options["role"], schema=options["schema"])
        else:
            self._verify()

    def _purge(self, *, dry_run: bool) -> None:
        try:
            result = audit_purge(dry_run=dry_run)
        except (PurgeRefused, ImproperlyConfigured) as exc:
            raise CommandError(f"未清理：{exc} (purge refused)") from exc
        except DatabaseError as exc:
            # The application's role has no DELETE on the audit log (PostgreSQL): the owner runs the purge.
            raise CommandError(f"未清理，数据库拒绝删除：{exc}。在 PostgreSQL 上请以表的所有者运行 xinfang audit purge "
                               "(purge refused by the database: run it as the tables' owner)") from exc
        cutoff = f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M:%S}"
        scope = f"保存期 {result.retention_days} 天，早于 {cutoff} 的最早一段事件"
        if result.deleted == 0:
            self.stdout.write(f"无可清理的审计事件（{scope}：0 条） (nothing to purge)")
        elif dry_run:
            self.stdout.write(f"试运行：将删除 {result.deleted} 条（{scope}，至 #{result.through_id}），未做任何改动 "
                              f"(dry run: {result.deleted} events would be deleted)")
        else:
            self.stdout.write(f"已删除 {result.deleted} 条审计事件（{scope}，至 #{result.through_id}），"
                              f"清理记录为事件 #{result.event.pk} (purged {result.deleted} events)")

    def _grants(self, *, role: str, schema: str) -> None:
        try:
            statements = grants_sql(role=role, schema=schema)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"-- PostgreSQL: privileges of the application's role {role}. Run as the owner of the tables "
                          "(the role that runs `xinfang migrate` and `xinfang audit purge`), again after each migrate.\n"
                          "-- 应用账号只可读取、追加审计事件，不可修改、删除。")
        for statement in statements:
            self.stdout.write(statement)

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
        purged = f"（此前 {report.purged} 条已按保存期清理，至 #{report.purged_through_id}）" if report.purged else ""
        summary = (f"{report.checked} 条事件{purged}{legacy}，{report.checkpoints} 个有效检查点"
                   f"（{anchors.anchor_path()}）")
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
