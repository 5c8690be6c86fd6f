"""`xinfang backup --out FILE.tar`: the database and the uploaded files in one checked archive (docs/OPERATIONS.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传的文件 (back up the database and uploaded files into one .tar with SHA-256 sums)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="", help="archive path (default var/backups/xinfang-YYYYmmdd-HHMMSS.tar)")

    def handle(self, *args, **options):
        from django.conf import settings

        out = Path(options["out"] or Path(settings.DATA_DIR) / "backups"
                   / f"xinfang-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            result = backup_create(out=out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"备份完成 {result.path}（{result.size:,} 字节，{result.files} 个文件，审计事件 "
                          f"{result.audit_events} 条） (backup written)")
