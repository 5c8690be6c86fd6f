"""`xinfang holidays load|list|show`: the holiday schedules deadlines are counted with."""

from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.calendars.selectors import (
    loaded_schedules,
    schedule_for_year,
    schedule_version_counts,
    schedule_versions,
)
from xinfang.calendars.services import holiday_schedule_load
from xinfang.workdays import ScheduleFileError, official_schedules

WEEKDAYS = "一二三四五六日"
# How many recomputed deadlines `load` lists one by one; the rest are counted (all are in the case history).
REPORT_EXAMPLES = 20


def _package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed with the project
        return "?"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _day(day: date) -> str:
    return f"{day:%Y-%m-%d}（周{WEEKDAYS[day.weekday()]}）"


def _spans(days: dict[date, str]) -> list[tuple[str, date, date]]:
    """Runs of consecutive rest days as (names, first, last): 国庆节、中秋 10-01 至 10-08, as notices put it."""
    spans: list[tuple[list[str], date, date]] = []
    for day in sorted(days):
        if spans and spans[-1][2] == day - timedelta(days=1):
            names, first, _last = spans[-1]
            spans[-1] = (names if days[day] in names else [*names, days[day]], first, day)
        else:
            spans.append(([days[day]], day, day))
    return [("、".join(names), first, last) for names, first, last in spans]


class Command(BaseCommand):
    help = (
        "Holiday schedules for working-day deadlines. "
        "`load FILE [--replace-official]` loads a year's schedule from a TOML file (format: "
        "src/xinfang/calendars/data/2027.example.toml); `list` shows the years known and warns when next "
        "year's schedule is missing; `show YEAR` prints a year's rest days and make-up workdays."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{load,list,show}")
        load = sub.add_parser("load", help="Load (or replace) a year's schedule from a TOML file.")
        load.add_argument("file", help="UTF-8 TOML file written from the State Council notice.")
        load.add_argument(
            "--replace-official", action="store_true", dest="replace_official",
            help="Also load a year the chinese-calendar package already covers, replacing its data "
                 "(the package is authoritative; use only to correct a known error).",
        )
        sub.add_parser("list", help="Years known: package range, loaded years, and this year and the next two.")
        show = sub.add_parser("show", help="Print one year's rest days and make-up workdays.")
        show.add_argument("year", type=int)

    def handle(self, *args, **options):
        match options["subcommand"]:
            case "load":
                self.load(Path(options["file"]), replace_official=options["replace_official"])
            case "list":
                self.list()
            case "show":
                self.show(options["year"])

    def load(self, path: Path, *, replace_official: bool) -> None:
        try:
            # utf-8-sig: Windows editors often put a byte-order mark in front of UTF-8.
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"无法读取文件 {path}：{error.strerror or error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"文件 {path} 不是 UTF-8 编码，请用 UTF-8 另存后再载入") from None
        try:
            result = holiday_schedule_load(text=text, actor=None, replace_official=replace_official)
        except ScheduleFileError as error:
            raise CommandError(f"文件 {path} 有误，未载入：{error}") from None
        except (ValidationError, PermissionDenied) as error:
            raise CommandError("；".join(getattr(error, "messages", None) or [str(error)])) from None
        loaded = result.schedule
        versions = schedule_versions(year=loaded.year).count()
        replaced = f"，替换了之前的版本（共 {versions} 个版本，历史版本均保留）" if versions > 1 else ""
        self.stdout.write(self.style.SUCCESS(
            f"已载入 {loaded.year} 年节假日安排：放假 {len(loaded.rest_days)} 天，调休上班 {len(loaded.work_days)} 天"
            f"{replaced}。来源：{loaded.source or '（未写明）'}"
        ))
        self.report_recomputed(result.recomputed, cause=f"{loaded.year}年节假日安排（#{loaded.pk}）")

    def report_recomputed(self, recomputed, *, cause: str) -> None:
        """Say which open deadlines the load moved: a deadline never changes without telling anyone."""
        if not recomputed:
            self.stdout.write("没有未届满的期限受影响，截止日期均未改变。")
            return
        moved = sum(change.moved for change in recomputed)
        self.stdout.write(
            f"已按{cause}重新计算 {len(recomputed)} 个未届满的期限，其中 {moved} 个法定截止日期改变"
            f"（每件的办理记录中均记有“期限重算”）："
        )
        for change in recomputed[:REPORT_EXAMPLES]:
            self.stdout.write(f"  {change.describe()}")
        if len(recomputed) > REPORT_EXAMPLES:
            self.stdout.write(f"  ……另有 {len(recomputed) - REPORT_EXAMPLES} 个，见各信访事项的办理记录和审计日志")

    def list(self) -> None:
        official = official_schedules()
        self.stdout.write(f"官方数据包 chinese-calendar {_package_version()}：{min(official)}–{max(official)} 年")
        current = list(loaded_schedules())
        if current:
            self.stdout.write("管理员载入的安排：")
            counts = schedule_version_counts()
            for loaded in current:
                versions = counts[loaded.year]
                by = loaded.loaded_by.get_username() if loaded.loaded_by else "命令行"
                note = ""
                if loaded.year in official:
                    note = "（替换官方数据包）" if loaded.replaces_official else "（官方数据包已包含该年，以数据包为准，未使用）"
                self.stdout.write(
                    f"  {loaded.year}年  来源：{loaded.source or '（未写明）'}  载入：{_local(loaded.loaded_at)} {by}"
                    f"  第 {versions} 版{note}"
                )
        else:
            self.stdout.write("管理员载入的安排：无")
        this_year = timezone.localdate().year
        self.stdout.write("今年和后两年：")
        for year in range(this_year, this_year + 3):
            known = schedule_for_year(year=year)
            self.stdout.write(f"  {year}年：" + (f"已知（{known.origin}）" if known else "未知"))
        for year in (this_year, this_year + 1):
            if schedule_for_year(year=year) is None:
                self.stdout.write(self.style.WARNING(
                    f"警告：{year}年节假日安排尚未载入，涉及该年的期限暂按周末推算，标为临时日期。"
                    f"国务院办公厅通常在上一年11月前后发布通知，发布后请用 xinfang holidays load 文件 载入。"
                ))

    def show(self, year: int) -> None:
        known = schedule_for_year(year=year)
        if known is None:
            raise CommandError(f"{year}年节假日安排尚未载入（官方数据包和已载入的文件都没有该年）")
        schedule = known.schedule
        self.stdout.write(f"{year}年节假日安排 —— {known.origin}")
        if known.loaded is not None:
            by = known.loaded.loaded_by.get_username() if known.loaded.loaded_by else "命令行"
            self.stdout.write(f"来源：{schedule.source or '（未写明）'}；载入：{_local(known.loaded.loaded_at)} {by}")
        self.stdout.write(f"放假（{len(schedule.rest_days)} 天）：")
        for name, first, last in _spans(dict(schedule.rest_days)):
            days = (last - first).days + 1
            when = _day(first) if first == last else f"{_day(first)} 至 {_day(last)}"
            self.stdout.write(f"  {name}  {when}  {days} 天")
        self.stdout.write(f"调休上班（{len(schedule.work_days)} 天）：" + ("" if schedule.work_days else "无"))
        for day, name in sorted(schedule.work_days.items()):
            self.stdout.write(f"  {_day(day)}  {name}")
        versions = list(schedule_versions(year=year))
        if versions:
            self.stdout.write("载入记录：")
        for loaded in versions:
            state = "当前版本" if loaded.is_current else f"已于 {_local(loaded.superseded_at)} 被替换"
            if loaded.is_current and known.loaded is None:
                state += "，官方数据包已包含该年，以数据包为准，未使用"
            self.stdout.write(f"  #{loaded.pk} {_local(loaded.loaded_at)} 来源：{loaded.source or '（未写明）'}（{state}）")
