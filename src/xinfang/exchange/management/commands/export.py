"""`xinfang export`: petitions with their history as JSON lines, CSV or xlsx (docs/IMPORT.md)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.exchange.export import FORMATS, OFFICE, petitions_export, write_template
from xinfang.orgs.models import Org, User
from xinfang.petitions.selectors import PetitionFilters


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from error


class Command(BaseCommand):
    help = (
        "导出信访事项及其办理历史 (export petitions with their history). Without --user the export runs as "
        "the administrator on the command line and contains every petition; with --user it contains what "
        "that user may see. Personal data is masked unless --unmask is given with --reason (audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=(*FORMATS, OFFICE),
                            help="jsonl, csv or xlsx (default: from --out's suffix); office: the office's "
                                 "readable xlsx (names, key dates, deadline state; not for import)")
        parser.add_argument("--out", help="output file")
        parser.add_argument("--from", dest="received_from", help="received on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="received_to", help="received on or before (YYYY-MM-DD)")
        parser.add_argument("--org", help="region code or id of an org: petitions registered in, located in "
                                          "or sent to its subtree")
        parser.add_argument("--full", action="store_true",
                            help="also write the org tree and code lists an empty database needs")
        parser.add_argument("--unmask", action="store_true", help="full personal data (needs --reason; audited)")
        parser.add_argument("--user", help="export as this user (their data scope); default: all data")
        parser.add_argument("--reason", default="", help="why full personal data is exported")
        parser.add_argument("--template", metavar="FILE.xlsx", help="write the empty Excel import template")

    def handle(self, *args, **options):
        if options["template"]:
            write_template(out=options["template"])
            self.stdout.write(f"导入模板已写入 {options['template']}")
            return
        out = options["out"]
        if not out:
            raise CommandError("请用 --out 指定输出文件（或用 --template 生成导入模板）")
        fmt = options["format"] or out.rsplit(".", 1)[-1].lower()
        if fmt not in (*FORMATS, OFFICE):
            raise CommandError("请用 --format 指定 jsonl、csv、xlsx 或 office")
        if options["unmask"] and not options["reason"].strip():
            raise CommandError("导出完整个人信息须用 --reason 说明事由")
        user = None
        if options["user"]:
            user = User.objects.select_related("org").filter(username=options["user"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"没有名为 {options['user']} 的有效用户")
        org = None
        if options["org"]:
            key = options["org"]
            org = (Org.objects.filter(region_code=key).order_by("path").first()
                   or (Org.objects.filter(pk=int(key)).first() if key.isdigit() else None))
            if org is None:
                raise CommandError(f"没有行政区划代码或编号为 {key} 的机构")
        filters = PetitionFilters(
            received_from=_date(options["received_from"]) if options["received_from"] else None,
            received_to=_date(options["received_to"]) if options["received_to"] else None,
        )
        try:
            with open(out, "wb") as stream:
                count = petitions_export(out=stream, fmt=fmt, user=user, filters=filters, org=org,
                                         unmask=options["unmask"], reason=options["reason"], full=options["full"])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(f"已导出 {count} 件信访事项到 {out}")
