"""`xinfang demo`: migrate, seed the fictional district once, collect static files, serve with waitress."""

import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xinfang.demo.derived import derived_data_rebuild
from xinfang.demo.district import DemoAccount, district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.procedure import progress_petitions
from xinfang.orgs.models import Role
from xinfang.petitions.management.commands.optimize import database_analyze
from xinfang.petitions.models import Petition


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The demo accounts as an aligned Chinese + English table."""
    header = ("账号 Username", "密码 Password", "角色 Role", "所属机构 Org")
    rows = [
        (account.username, account.password,
         "、".join(f"{Role(role).label} {role}" for role in account.roles), account.org_name)
        for account in accounts
    ]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    rule = "+-" + "-+-".join("-" * width for width in widths) + "-+"

    def line(cells) -> str:
        return "| " + " | ".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True)) + " |"

    return "\n".join([rule, line(header), rule, *(line(row) for row in rows), rule])


def _parse_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    try:
        return (host.strip("[]") or "127.0.0.1"), int(port)
    except ValueError:
        raise CommandError(f"--addr 应为 主机:端口，例如 127.0.0.1:8000 (expected host:port, got {addr!r})") from None


class Command(BaseCommand):
    help = ("演示：建库、生成虚构的清溪区及演示数据、收集静态文件并启动网站 "
            "(demo: migrate, seed a fictional district once, collect static files, serve with waitress).")

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=3_000,
                            help="petitions to generate when the database has none yet")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the generated petitions")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything but do not serve")

    def handle(self, *args, **options):
        host, port = _parse_addr(options["addr"])
        htmx = settings.NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
        if not htmx.exists():
            raise CommandError(
                f"缺少 htmx（{htmx}）：请在项目目录运行 `npm ci` 或 scripts/setup.sh "
                "(htmx is missing: run `npm ci` in the project directory; the site serves it itself, no CDN)."
            )
        if settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "DEBUG 已开启：演示应以生产方式运行 (DEBUG is on; unset DEBUG to demo as in production)."))

        self.stdout.write("1/4 建库 Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 虚构的清溪区 Building the fictional district 清溪区 …")
        district = district_build()
        existing = Petition.objects.count()
        if existing:
            self.stdout.write(
                f"3/4 已有 {existing:,} 件信访事项，不再生成 (the database has petitions; none generated)")
        else:
            self.stdout.write(f"3/4 生成 {options['petitions']:,} 件演示信访事项 Generating petitions …")
            result = generate_petitions(n=options["petitions"], seed=options["seed"], district=district)
            self.stdout.write(f"    {result.petitions:,} petitions, {result.petitioners:,} petitioners "
                              f"in {result.elapsed:.1f} s")
            self.stdout.write("    办理程序 Carrying them through the procedure (about a minute) …")
            counts = progress_petitions(district=district, seed=options["seed"])
            self.stdout.write(f"    {sum(counts.values()):,} actions: "
                              + ", ".join(f"{action} {count:,}" for action, count in counts.most_common(6)))
            derived_data_rebuild(petitions=result.petitions, write=self.stdout.write)
            database_analyze()  # planner statistics for the fresh data (see `xinfang optimize`)
        self.stdout.write("4/4 收集静态文件 Collecting static files …")
        call_command("collectstatic", interactive=False, verbosity=0)

        self.stdout.write("")
        self.stdout.write("演示账号 Demo accounts（均为虚构 all fictional）:")
        self.stdout.write(accounts_table(district.accounts))
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"打开 Open {url} 用上表任一账号登录 (log in with any account above); 系统管理 admin: {url}admin/"))
        if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):
            self.stderr.write(self.style.WARNING(
                f"{host} 不在 ALLOWED_HOSTS 中，请设置环境变量 ALLOWED_HOSTS (add {host} to ALLOWED_HOSTS)."))
        if options["no_serve"]:
            return

        from waitress import serve

        from xinfang.config.wsgi import application

        self.stdout.write("按 Ctrl+C 停止 (press Ctrl+C to stop)")
        serve(application, host=host, port=port)
