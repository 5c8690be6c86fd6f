"""`xinfang report annual --office CODE --year 2025 --out FILE.docx`: generate (or regenerate) a report and write it.

Kinds: annual (法治政府建设年度报告), art41 (第四十一条年度报告), monthly, quarterly (--period: the month or quarter).
The output's format follows --out's suffix: .docx, .pdf (LibreOffice) or .xlsx (the figures table). Without
--user the figures cover every record; narratives already written in the UI are kept and printed.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import User
from xinfang.reports.documents import render_docx, render_pdf, render_xlsx
from xinfang.reports.models import Report
from xinfang.reports.services import period_for, report_generate
from xinfang.stats.selectors import org_by_code


def _messages(error: ValidationError) -> str:
    return "；".join(message for messages in error.message_dict.values() for message in messages)


class Command(BaseCommand):
    help = "生成报告（法治政府建设年度报告、第四十一条年度报告、月度/季度信访形势分析）并写出 .docx/.pdf/.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("kind_arg", nargs="?", choices=Report.Kind.values, help="annual|art41|monthly|quarterly")
        parser.add_argument("--kind", choices=Report.Kind.values, help="the same as the positional kind")
        parser.add_argument("--office", required=True, help="行政区划代码 or id of the reporting org")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--period", type=int, help="month (1–12) or quarter (1–4) of the year")
        parser.add_argument("--out", required=True, help="FILE.docx, FILE.pdf or FILE.xlsx")
        parser.add_argument("--user", help="generate within this user's data scope and permissions")

    def handle(self, *args, **options):
        kind = options["kind"] or options["kind_arg"] or Report.Kind.ANNUAL
        out = Path(options["out"])
        if out.suffix not in (".docx", ".pdf", ".xlsx"):
            raise CommandError("--out 应为 .docx、.pdf 或 .xlsx 文件")
        user = None
        if options["user"]:
            user = User.objects.select_related("org").filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有名为 {options['user']} 的有效用户")
        try:
            office = org_by_code(options["office"])
            period = period_for(kind=kind, year=options["year"], period=options["period"])
            report = report_generate(actor=user, kind=kind, office=office, start=period.start, end=period.end)
        except ValidationError as error:
            raise CommandError(_messages(error)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        if out.suffix == ".docx":
            data = render_docx(report)
        elif out.suffix == ".xlsx":
            data = render_xlsx(report)
        else:
            data = render_pdf(report)
            if data is None:
                raise CommandError("未安装 LibreOffice 或 PDF 转换失败；请输出 .docx")
        out.write_bytes(data)
        self.stdout.write(f"{report.title}：{out}（{len(report.figures)} 个数字）")
