"""What every benchmark script needs before Django starts: its own database file, and the machine's name."""

import os
import platform
from pathlib import Path


def setup_django(db: Path) -> None:
    """Point Django at the benchmark's SQLite file, then start it (settings read DATABASE_URL once)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    # Static files and uploads of a benchmark stay next to its database, apart from the real ones.
    os.environ["XINFANG_DATA_DIR"] = str(db.parent / f"{db.stem}-data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings.local")
    import django

    django.setup()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
