"""`xinfang stats`: every indicator for a period and an org subtree, as JSON or a table (docs/STATISTICS.md)."""

import json
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import User
from xinfang.stats import rollup
from xinfang.stats.indicators import INDICATORS, compute_with_comparisons
from xinfang.stats.ledgers import LedgerQuery, figure_as_json, sections_totals
from xinfang.stats.selectors import stats_filters_parse, stats_query
from xinfang.stats.services import figures_as_json


def _messages(error: ValidationError) -> str:
    return "；".join(message for messages in error.message_dict.values() for message in messages)


class Command(BaseCommand):
    help = ("统计指标 (every indicator with 同比 and 环比). Keys are stable: docs/STATISTICS.md. Without --user the "
            "figures cover every petition; with --user, what that user may see.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=("show", "verify", "rebuild"), default="show",
                            help="show: the figures (default); verify: compare the rollup with the live "
                                 "computation (--repair rewrites what differs); rebuild: recompute the rollup")
        parser.add_argument("--repair", action="store_true", help="with verify: rewrite the cells that differ")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: this year)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--org", default="", help="行政区划代码 or id of an org: its subtree only")
        parser.add_argument("--channel", default="", help="one channel code (letter, visit, …)")
        parser.add_argument("--category", default="", help="category id (its subcategories included)")
        parser.add_argument("--user", help="compute within this user's data scope")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, **options):
        if options["action"] != "show":
            return self._rollup(options["action"], repair=options["repair"])
        user = None
        if options["user"]:
            user = User.objects.select_related("org").filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有名为 {options['user']} 的有效用户")
        try:
            filters = stats_filters_parse(start=options["start"], end=options["end"], org=options["org"],
                                          channel=options["channel"], category=options["category"])
            query = stats_query(user=user, filters=filters)
        except ValidationError as error:
            raise CommandError(_messages(error)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        comparisons = compute_with_comparisons(query)
        # The ledgers (矛盾预防, 领导接访 …) count records, not petitions: the period and org apply, not the
        # channel or category filters.
        ledgers = sections_totals(LedgerQuery(start=filters.start, end=filters.end, user=user, org=filters.org))
        if options["format"] == "json":
            payload = figures_as_json(filters=filters, comparisons=comparisons)
            payload["ledgers"] = {item.section.key: {
                "title": item.section.title,
                "figures": {indicator.key: figure_as_json(indicator, figure) for indicator, figure in item.items()}}
                for item in ledgers}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        org = filters.org.name if filters.org else "全部"
        self.stdout.write(f"统计期间 {filters.start:%Y-%m-%d} 至 {filters.end:%Y-%m-%d}　机构 {org}")
        self.stdout.write(f"{'key':<34}{'指标':<16}{'数值':>12}{'分子':>9}{'分母':>9}{'同比':>10}{'环比':>10}")
        for indicator in INDICATORS:
            item = comparisons[indicator.key]
            figure = item.figure
            unit = "百分点" if indicator.kind == "rate" else "%"
            yoy = "—" if item.yoy is None else f"{item.yoy}{unit}"
            mom = "—" if item.mom is None else f"{item.mom}{unit}"
            denominator = "" if figure.denominator is None else str(figure.denominator)
            self.stdout.write(f"{indicator.key:<34}{indicator.name_zh:<16}{figure.display:>12}{figure.numerator:>9}"
                              f"{denominator:>9}{yoy:>10}{mom:>10}")
        for item in ledgers:
            self.stdout.write("")
            self.stdout.write(f"【{item.section.title}】（按期间和机构统计，不受渠道、类别筛选）")
            for indicator, figure in item.items():
                ratio = f"（{figure.numerator}/{figure.denominator}）" if indicator.kind == "rate" else ""
                self.stdout.write(f"{indicator.key:<34}{indicator.name_zh:<16}{figure.display:>12} "
                                  f"{indicator.unit_zh}{ratio}")

    def _rollup(self, action: str, *, repair: bool) -> None:
        if action == "rebuild":
            started = time.perf_counter()
            cells = rollup.rebuild()
            self.stdout.write(f"统计汇总表已重建：{cells} 个单元格，用时 {time.perf_counter() - started:.1f} 秒")
            return
        differences = rollup.verify(repair=repair)
        if not rollup.is_built():
            raise CommandError("统计汇总表尚未建立：请先运行 xinfang stats rebuild")
        for difference in differences[:50]:
            node, kind, start, key, channel, category, unit = difference.cell
            self.stdout.write(f"不一致 node={node} {kind}{start:%Y-%m-%d} {key} channel={channel or '-'} "
                              f"category={category} unit={unit}: 汇总 {difference.stored} 实时 {difference.live}")
        if len(differences) > 50:
            self.stdout.write(f"……共 {len(differences)} 处不一致")
        if not differences:
            self.stdout.write("统计汇总表与实时计算一致")
        elif repair:
            self.stdout.write(f"已修复 {len(differences)} 处不一致")
        else:
            raise CommandError(f"{len(differences)} 处不一致：运行 xinfang stats verify --repair 修复")
