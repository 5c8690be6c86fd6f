"""`xinfang import FILE`: petitions with their history from xlsx, csv or JSON lines (docs/IMPORT.md)."""

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction

from xinfang.exchange.importer import ENGINES, MODES, ImportReport, count_rows, import_file
from xinfang.exchange.judged import report_lines
from xinfang.orgs.models import User


@dataclass
class ProgressBar:
    """Rows done, rate and time left on stderr: one redrawn line on a terminal, a line per update otherwise."""

    total: int | None
    stream: OutputWrapper
    started: float
    width: int = 30

    def line(self, done: int) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        if not self.total:
            return f"已处理 {done:,} 行 · {rate:,.0f} 行/秒"
        share = min(done / self.total, 1.0)
        filled = round(share * self.width)
        left = (self.total - done) / rate if rate else 0
        return (f"[{'█' * filled}{'░' * (self.width - filled)}] 已处理 {done:,}/{self.total:,} 行（{share:.0%}）· "
                f"{rate:,.0f} 行/秒 · 剩余约 {left:,.0f} 秒")

    def update(self, done: int) -> None:
        # style_func=str: Django colours a terminal's stderr as an error; progress is not one.
        if self.stream.isatty():
            self.stream.write("\r" + self.line(done), style_func=str, ending="")
        else:
            self.stream.write(self.line(done), style_func=str)
        self.stream.flush()

    def finish(self) -> None:
        """The bar at 100 % (updates come every 1,000 rows), then a new line."""
        if self.stream.isatty():
            if self.total:
                self.update(self.total)
            self.stream.write("")


class _DryRun(Exception):
    """Raised at the end of a dry run so that the transaction rolls everything back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


class Command(BaseCommand):
    help = (
        "导入信访事项及其办理历史 (import petitions with their history). Every row is checked against the live "
        "registration rules and its steps replayed through the rules table by --user (a superuser, acting on "
        "behalf of each record's registering office and each step's org; audited), in batches (--engine bulk, "
        "the default) or through the live services row by row (--engine services, the reference: ~15 times "
        "slower). File numbers are kept when free. --mode all_or_nothing (default) imports nothing if any row fails; good_rows keeps "
        "the good rows. Rows imported before (same 来源系统 + 外部编号) are skipped. Exit code 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx, csv or jsonl file")
        parser.add_argument("--mode", choices=MODES, default="all_or_nothing")
        parser.add_argument("--user", required=True, help="the importing superuser (an org is not needed)")
        parser.add_argument("--engine", choices=ENGINES, default="bulk")
        parser.add_argument("--dry-run", action="store_true",
                            help="仅检查，不导入: all rows checked and judged as all_or_nothing, then rolled back")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = User.objects.select_related("org").filter(username=options["user"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"没有名为 {options['user']} 的有效用户")

        total = count_rows(path=path)
        started = time.monotonic()
        bar = ProgressBar(total=total, stream=self.stderr, started=started)

        try:
            if options["dry_run"]:
                try:  # as the upload page's 仅检查: all_or_nothing, then everything rolled back (the audit too)
                    with transaction.atomic():
                        raise _DryRun(import_file(path=path, actor=user, mode="all_or_nothing",
                                                  progress=bar.update, engine=options["engine"]))
                except _DryRun as done:
                    report = done.report
            else:
                report = import_file(path=path, actor=user, mode=options["mode"], progress=bar.update,
                                     engine=options["engine"])
            bar.finish()
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            # good_rows keeps rows committed before an unreadable part of the file; all_or_nothing keeps none.
            kept = "未写入任何数据" if options["mode"] == "all_or_nothing" else "此前的正确行已保留"
            raise CommandError(f"导入失败，{kept}：" + "；".join(messages)) from error
        self.stdout.write(f"新增 {report.created} 件，跳过（已导入）{report.skipped} 件，失败 {report.failed} 行")
        for error in report.errors:
            self.stdout.write(str(error))
        for line in report_lines(report):
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(note)
        if options["dry_run"]:
            self.stdout.write("仅检查：以上为实际导入将得到的结果，未写入任何数据")
        if report.errors:
            if report.rolled_back:
                self.stdout.write("全部导入模式：存在错误行，本次未导入任何数据")
            sys.exit(1)
