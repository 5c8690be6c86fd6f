"""What every benchmark script needs before Django starts: its own database file, and the machine's name."""

import math
import os
import platform
import time
from pathlib import Path


def setup_django(db: Path, *, database_url: str = "") -> None:
    """Point Django at the benchmark's SQLite file (or `database_url`), then start it (settings read
    DATABASE_URL once). `db` also names the directory of static files and uploads."""
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{db}"
    # Static files and uploads of a benchmark stay next to its database, apart from the real ones.
    os.environ["XINFANG_DATA_DIR"] = str(db.parent / f"{db.stem}-data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings.local")
    import django

    django.setup()


def add_database_argument(parser) -> None:
    """`--database-url`: measure on that database (PostgreSQL: `bench/pg.sh start` prints one) instead of the
    SQLite file of `--db`, which then only names the folder of static files and uploads."""
    parser.add_argument("--database-url", default=os.environ.get("XINFANG_BENCH_DATABASE_URL", ""),
                        help="e.g. postgres://xinfang:bench@127.0.0.1:54450/xinfang_bench (default: the SQLite --db)")


def database_label(db: Path) -> str:
    """What the figures were measured on: the SQLite file, or the PostgreSQL database (without its password)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return str(db)
    settings = connection.settings_dict
    return f"PostgreSQL {settings['NAME']} on {settings['HOST']}:{settings['PORT']}"


def database_mib(db: Path) -> float:
    """The size of the database: the SQLite file, or pg_database_size."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return db.stat().st_size / 2**20 if db.exists() else 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / 2**20


def sqlite_pragma(sql: str) -> None:
    """A PRAGMA for SQLite's build phases (page cache size); nothing on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(sql)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 20 samples, p95 is the 19th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def print_machine() -> None:
    """One line naming the machine and the database, printed before a benchmark's figures."""
    print(f"machine: {platform.platform()}, {os.cpu_count()} × {cpu_model()}, Python {platform.python_version()}, "
          f"{database_version()}")


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def seed_district(*, petitions: int, seed: int, progress_every: int = 100_000):
    """Migrate, build the fictional district and generate petitions up to `petitions` (kept in the file).

    Returns (district, seeded): seeded is False when the file already held enough petitions.
    """
    from django.core.management import call_command

    from xinfang.demo.district import district_build
    from xinfang.demo.generator import generate_petitions
    from xinfang.petitions.models import Petition

    call_command("migrate", interactive=False, verbosity=0)
    district = district_build()
    have = Petition.objects.count()
    if have >= petitions:
        return district, False
    missing = petitions - have
    print(f"seeding {missing:,} petitions (have {have:,}) …", flush=True)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % progress_every < 5_000 or done == missing:
            elapsed = time.perf_counter() - started
            print(f"  {done:>10,}  {elapsed:7.1f} s  {done / elapsed:8,.0f}/s", flush=True)

    result = generate_petitions(n=missing, seed=seed + have, district=district, progress=progress)
    print(f"seeded {result.petitions:,} petitions, {result.petitioners:,} petitioners, {result.parties:,} "
          f"parties, {result.events:,} events, {result.hot_topic_links:,} hot-topic links in "
          f"{result.elapsed:.1f} s ({result.petitions / result.elapsed:,.0f} petitions/s)", flush=True)
    return district, True
