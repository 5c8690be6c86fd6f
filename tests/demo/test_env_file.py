"""The .env file that .env.example tells a newcomer to write is read by the settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinfang.config.env import PROJECT_ROOT
from xinfang.config.settings.base import read_env_file

SETTINGS_OF_NOTE = ("XINFANG_LOGIN_FAILURE_LIMIT", "XINFANG_LOGIN_LOCKOUT_MINUTES", "XINFANG_BEHIND_PROXY",
                    "XINFANG_SSL_REDIRECT", "XINFANG_HSTS_SECONDS", "XINFANG_HSTS_INCLUDE_SUBDOMAINS",
                    "XINFANG_HSTS_PRELOAD", "XINFANG_IMPORT_MAX_ROWS", "XINFANG_IMPORT_MAX_ERRORS")


def test_the_file_sets_what_the_environment_does_not(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n\nXINFANG_A=1\nexport XINFANG_B = two words \nXINFANG_C=\"quoted # not a comment\"\n"
        "XINFANG_D='$HOME'\nXINFANG_E=from-file\n", encoding="utf-8")
    environ = {"XINFANG_E": "from-environment"}
    assert read_env_file(env_file, environ) == ["XINFANG_A", "XINFANG_B", "XINFANG_C", "XINFANG_D"]
    assert environ == {"XINFANG_A": "1", "XINFANG_B": "two words", "XINFANG_C": "quoted # not a comment",
                       "XINFANG_D": "$HOME", "XINFANG_E": "from-environment"}


def test_a_line_that_is_not_name_equals_value_is_an_error_naming_the_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("XINFANG_A=1\nXINFANG_LOGIN_FAILURE_LIMIT 7\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:2: "):
        read_env_file(env_file, {})


def _settings_in_a_fresh_process(env_file: Path | str, names: list[str], **environment: str) -> list[str]:
    code = ("import django; django.setup(); from django.conf import settings; "
            f"print(*[repr(getattr(settings, name)) for name in {names!r}], sep='\\n')")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("XINFANG_")}
    environ |= {"DJANGO_SETTINGS_MODULE": "xinfang.config.settings.local", "XINFANG_ENV_FILE": str(env_file),
                **environment}
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True,
                            check=True, timeout=120)
    return result.stdout.split("\n")[: len(names)]


def test_the_settings_read_the_env_file_and_the_real_environment_wins(tmp_path):
    env_file = tmp_path / "xinfang.env"
    env_file.write_text("XINFANG_LOGIN_FAILURE_LIMIT=7\nXINFANG_IMPORT_MAX_ROWS=500\nALLOWED_HOSTS=a.example,b.example\n",
                        encoding="utf-8")
    values = _settings_in_a_fresh_process(env_file, ["AXES_FAILURE_LIMIT", "XINFANG_IMPORT_MAX_ROWS", "ALLOWED_HOSTS"],
                                          XINFANG_IMPORT_MAX_ROWS="900")
    assert values == ["7", "900", "['a.example', 'b.example']"]
    # XINFANG_ENV_FILE= (empty) reads no file: the defaults
    assert _settings_in_a_fresh_process("", ["AXES_FAILURE_LIMIT"]) == ["5"]


def test_env_example_names_every_setting_added_today_and_each_is_read_by_the_settings():
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert set(SETTINGS_OF_NOTE) <= named
    settings_source = "".join((PROJECT_ROOT / "src/xinfang/config/settings" / name).read_text(encoding="utf-8")
                              for name in ("base.py", "production.py"))
    read = set(re.findall(r"env\.\w+\(\"([A-Z][A-Z0-9_]+)\"", settings_source))
    # Every variable the example offers is one the settings read (DJANGO_SETTINGS_MODULE: Django itself).
    assert named - read == {"DJANGO_SETTINGS_MODULE"}
