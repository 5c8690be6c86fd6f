"""Production settings refuse placeholder keys, and `xinfang check --deploy` passes without warnings."""

import os
import secrets
import subprocess
import sys

import pytest

PLACEHOLDER = "change-me-to-a-long-random-string"  # .env.example's value for every key


def _env(tmp_path, **keys: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("XINFANG_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="xinfang.config.settings.production",
        XINFANG_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="xinfang.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://xinfang.example.gov.cn", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(50), XINFANG_DATA_KEY=secrets.token_urlsafe(32),
        XINFANG_AUDIT_KEY=secrets.token_urlsafe(32),
    )
    env.update(keys)
    return env


def _xinfang(tmp_path, *args: str, **keys: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinfang.cli", *args], env=_env(tmp_path, **keys),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["SECRET_KEY", "XINFANG_DATA_KEY", "XINFANG_AUDIT_KEY"])
def test_production_refuses_the_example_placeholder(tmp_path, name):
    result = _xinfang(tmp_path, "check", **{name: PLACEHOLDER})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{name} 仍是示例或开发用的占位值" in result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("SECRET_KEY", "insecure-development-key-change-me"),  # base.py's development default
    ("XINFANG_DATA_KEY", "insecure-development-data-key"),
])
def test_production_refuses_the_development_defaults(tmp_path, name, value):
    result = _xinfang(tmp_path, "check", **{name: value})
    assert result.returncode != 0 and f"{name} 仍是示例或开发用的占位值" in result.stderr


@pytest.mark.parametrize(("name", "value", "needed"), [
    ("SECRET_KEY", secrets.token_hex(20), "至少 50 个字符"),  # 40 characters: Django's rule wants 50
    ("XINFANG_DATA_KEY", secrets.token_hex(15), "至少 32 个字符"),
    ("XINFANG_DATA_KEY", "a" * 40, "5 种不同字符"),
])
def test_production_refuses_short_or_simple_keys(tmp_path, name, value, needed):
    result = _xinfang(tmp_path, "check", **{name: value})
    assert result.returncode != 0 and f"{name} 太短或太简单" in result.stderr and needed in result.stderr


def test_production_refuses_one_key_for_two_purposes(tmp_path):
    key = secrets.token_urlsafe(50)
    result = _xinfang(tmp_path, "check", SECRET_KEY=key, XINFANG_DATA_KEY=key)
    assert result.returncode != 0 and "必须互不相同" in result.stderr


def test_check_deploy_has_no_warnings_with_real_keys(tmp_path):
    result = _xinfang(tmp_path, "check", "--deploy", "--fail-level", "WARNING", XINFANG_BEHIND_PROXY="true")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
