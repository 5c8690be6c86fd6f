"""`xinfang prevention_stats`: the prevention ledgers' indicators for a period and an org subtree (docs/PREVENTION.md)."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.prevention.indicators import INDICATORS
from xinfang.stats.ledgers import LedgerQuery, compute_totals, figure_as_json
from xinfang.stats.selectors import org_by_code, period_parse


class Command(BaseCommand):
    help = ("矛盾预防统计指标 (排查次数 … 应评未评件数). Without --user the figures cover every record; with --user, what "
            "that user may see.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: this year)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--org", default="", help="行政区划代码 or id of an org: its subtree only")
        parser.add_argument("--user", help="compute within this user's data scope")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.select_related("org").filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有名为 {options['user']} 的有效用户")
        try:
            start, end = period_parse(start=options["start"], end=options["end"])
            org = org_by_code(options["org"]) if options["org"] else None
            if org is not None and user is not None:
                scope = user_scope_org_ids(user=user)
                if scope is not None and org.pk not in scope:
                    raise PermissionDenied(f"“{org.name}”不在您的数据范围内")
            figures = compute_totals(LedgerQuery(start=start, end=end, user=user, org=org), INDICATORS)
        except ValidationError as error:
            raise CommandError("；".join(message for texts in error.message_dict.values() for message in texts)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        if options["format"] == "json":
            payload = {"start": start.isoformat(), "end": end.isoformat(), "org": org.name if org else None,
                       "figures": {indicator.key: figure_as_json(indicator, figures[indicator.key])
                                   for indicator in INDICATORS}}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"统计期间 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}　机构 {org.name if org else '全部'}")
        for indicator in INDICATORS:
            figure = figures[indicator.key]
            ratio = f"（{figure.numerator}/{figure.denominator}）" if indicator.kind == "rate" else ""
            self.stdout.write(f"{indicator.key:<36}{indicator.name_zh:<14}{figure.display:>12} {indicator.unit_zh}{ratio}")
