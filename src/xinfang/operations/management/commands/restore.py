"""`xinfang restore FILE.tar [--force]`: restore a backup, then verify the audit chain (docs/OPERATIONS.md)."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份恢复数据库和文件，并验证审计链 (restore a backup and verify the audit chain)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="overwrite a database that already holds data")

    def handle(self, *args, **options):
        try:
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已恢复 {options['archive']}（备份于 {result.manifest['created_at']}，"
                          f"{result.files} 个文件）")
        if not result.chain_intact:
            real = result.breaks
            raise CommandError(f"恢复后审计链验证失败：{len(real)} 处问题，首处在事件 #{real[0].event_id}"
                               f"（{real[0].kind}）")
        self.stdout.write(f"审计链完好：{result.report.checked} 条事件 (audit chain verified)")
        if result.lost_checkpoints:
            self.stderr.write(f"注意：备份之后写入的 {result.lost_checkpoints} 个检查点所记录的审计事件已不在恢复的数据库中"
                              "（恢复到了较早的时间点） (events after the backup are gone)")
