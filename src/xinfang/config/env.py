"""The one place that reads the environment (settings modules import `env` from here)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Repository root when running from a checkout (src/xinfang/config/env.py -> three levels up).
PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Env:
    """Typed access to environment variables, with defaults for development."""

    def str(self, name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        raw = os.environ.get(name)
        if raw is None:
            return default
        return raw.strip().lower() in {"1", "true", "yes", "on"}

    def int(self, name: str, default: int) -> int:
        raw = os.environ.get(name)
        return default if raw is None else int(raw)

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = os.environ.get(name)
        if raw is None:
            return default
        return [item.strip() for item in raw.split(",") if item.strip()]

    def path(self, name: str, default: Path) -> Path:
        raw = os.environ.get(name)
        return Path(raw).expanduser().resolve() if raw else default


env = Env()
