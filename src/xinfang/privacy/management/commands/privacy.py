"""`xinfang privacy anonymise [--dry-run]`: petitioners' data past retention is anonymised (docs/PRIVACY.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.privacy.services import anonymise_due


class Command(BaseCommand):
    help = "个人信息保护：保存期满的信访人个人信息匿名化"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        anonymise = actions.add_parser("anonymise", help="办结/终结超过保存期限、未保全的信访人信息匿名化")
        anonymise.add_argument("--dry-run", action="store_true", help="只统计将匿名化的信访人数，不作改动")
        anonymise.add_argument("--batch", type=int, default=500, help="每批人数，每批一个事务和一条审计记录（默认 500）")

    def handle(self, *args, **options):
        years = settings.XINFANG_PERSONAL_DATA_RETENTION_YEARS
        report = anonymise_due(dry_run=options["dry_run"], batch_size=options["batch"])
        if report.dry_run:
            self.stdout.write(f"试运行：将匿名化 {report.petitioners} 名信访人（保存期限 {years} 年），未作改动")
        else:
            self.stdout.write(f"已匿名化 {report.petitioners} 名信访人（保存期限 {years} 年，批次 {report.batch}）")
