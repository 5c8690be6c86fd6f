"""`xinfang deadlines recompute|overdue|scan`: recompute open deadlines on demand; list overdue ones; raise the
deadline warnings and send their notifications (for cron; the worker runs the same scan periodically)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.workflow.clocks import OPTIONAL_WINDOWS, clocks_recompute
from xinfang.workflow.models import Clock


class Command(BaseCommand):
    help = ("期限工具：recompute 重新计算未届满期限（如节假日安排载入后）；overdue 列出已超期的法定期限 "
            "；scan 扫描期限并发送临期、超期、严重超期预警 "
            "(recompute open deadlines; list overdue statutory deadlines; scan: raise deadline warnings).")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["recompute", "overdue", "scan"])
        parser.add_argument("--all", action="store_true", help="recompute every running clock, not only provisional ones")

    def handle(self, *args, **options):
        if options["subcommand"] == "recompute":
            with transaction.atomic():
                changed = clocks_recompute(provisional_only=not options["all"])
                audit_record(actor=None, action="workflow.clocks_recompute", data={"changed": changed,
                                                                                   "all": options["all"]})
            self.stdout.write(f"重新计算完成，{changed} 个期限的截止日期有变化 ({changed} deadlines changed)")
            return
        if options["subcommand"] == "scan":
            from xinfang.notifications.services import deadlines_scan

            result = deadlines_scan()
            self.stdout.write(f"预警 {result.warnings} 条，通知 {result.notifications} 条，发送 {result.delivered} 条 "
                              f"({result.warnings} warnings, {result.notifications} notifications, "
                              f"{result.delivered} delivered)")
            return
        today = timezone.localdate()
        overdue = (Clock.objects.filter(stopped_on__isnull=True, voided=False, statutory_due__lt=today)
                   .exclude(kind__in=OPTIONAL_WINDOWS)
                   .select_related("petition", "org").order_by("statutory_due"))
        for clock in overdue:
            self.stdout.write(f"{clock.petition.number}\t{clock.get_kind_display()}\t{clock.org.name}\t"
                              f"截止 {clock.statutory_due:%Y-%m-%d}\t超期 {(today - clock.statutory_due).days} 天")
        self.stdout.write(f"共 {overdue.count()} 个法定期限已超期 ({overdue.count()} overdue)")
