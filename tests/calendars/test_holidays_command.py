"""`xinfang holidays load|list|show`."""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.calendars.conftest import SCHEDULE_2025, SCHEDULE_2027, SCHEDULE_2027_REVISED
from xinfang.calendars.models import HolidaySchedule

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("holidays", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def today_is_22_november_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 22))


@pytest.fixture
def file_2027(tmp_path) -> Path:
    path = tmp_path / "2027.toml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    return path


def test_load_reports_what_was_loaded(file_2027):
    # when
    output = _run("load", str(file_2027))
    # then
    assert "已载入 2027 年节假日安排：放假 10 天，调休上班 1 天。来源：测试用安排（虚构）" in output
    assert HolidaySchedule.objects.get().year == 2027


def test_load_of_a_bad_file_fails_with_the_parsers_message_and_loads_nothing(tmp_path):
    # given
    path = tmp_path / "bad.toml"
    path.write_text(SCHEDULE_2027.replace("end = 2027-01-03", "end = 2026-12-30"), encoding="utf-8")
    # when
    with pytest.raises(CommandError) as raised:
        _run("load", str(path))
    # then: a non-zero exit with the precise reason
    assert raised.value.returncode == 1
    assert str(raised.value) == f"文件 {path} 有误，未载入：第1个 [[holidays]]: end 早于 start"
    assert not HolidaySchedule.objects.exists()


def test_load_refuses_a_year_of_the_official_package_unless_told_to_replace_it(tmp_path):
    # given
    path = tmp_path / "2025.toml"
    path.write_text(SCHEDULE_2025, encoding="utf-8")
    # when / then
    with pytest.raises(CommandError, match="--replace-official"):
        _run("load", str(path))
    assert not HolidaySchedule.objects.exists()
    assert "已载入 2025 年" in _run("load", str(path), "--replace-official")
    assert HolidaySchedule.objects.get().replaces_official is True


def test_load_refuses_a_file_that_is_not_utf8_or_missing(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes(SCHEDULE_2027.encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        _run("load", str(path))
    with pytest.raises(CommandError, match="无法读取文件"):
        _run("load", str(tmp_path / "missing.toml"))


def test_load_accepts_a_utf8_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(SCHEDULE_2027.encode("utf-8-sig"))
    _run("load", str(path))
    assert HolidaySchedule.objects.get().file_text == SCHEDULE_2027


def test_list_warns_when_next_years_schedule_is_missing(today_is_22_november_2026):
    # when: it is November 2026 and 2027 is not loaded
    output = _run("list")
    # then
    assert "官方数据包 chinese-calendar 1.11.0：2004–2026 年" in output
    assert "管理员载入的安排：无" in output
    assert "  2026年：已知（官方数据包 chinese-calendar）" in output
    assert "  2027年：未知" in output
    assert "警告：2027年节假日安排尚未载入" in output
    assert "警告：2026年" not in output and "警告：2028年" not in output


def test_list_shows_loaded_years_and_stops_warning_once_next_year_is_loaded(file_2027, today_is_22_november_2026):
    # given: 2027 loaded twice
    _run("load", str(file_2027))
    file_2027.write_text(SCHEDULE_2027_REVISED, encoding="utf-8")
    _run("load", str(file_2027))
    # when
    output = _run("list")
    # then
    assert "  2027年  来源：测试用安排（虚构，修订）  载入：" in output
    assert "命令行  第 2 版" in output
    assert "  2027年：已知（管理员载入的文件）" in output
    assert "  2028年：未知" in output
    assert "警告" not in output


def test_show_prints_the_rest_days_and_make_up_workdays(file_2027):
    # given
    _run("load", str(file_2027))
    # when
    output = _run("show", "2027")
    # then
    assert "2027年节假日安排 —— 管理员载入的文件" in output
    assert "  元旦  2027-01-01（周五） 至 2027-01-03（周日）  3 天" in output
    assert "  春节  2027-02-05（周五） 至 2027-02-11（周四）  7 天" in output
    assert "  2027-02-13（周六）  春节" in output


def test_show_an_official_year_and_an_unknown_one():
    # the National Day and Mid-Autumn holidays of 2025 run together, as the State Council notice puts them
    output = _run("show", "2025")
    assert "2025年节假日安排 —— 官方数据包 chinese-calendar" in output
    assert "  国庆节、中秋  2025-10-01（周三） 至 2025-10-08（周三）  8 天" in output
    with pytest.raises(CommandError, match="2030年节假日安排尚未载入"):
        _run("show", "2030")


def test_the_console_command_exits_non_zero_on_a_bad_file(tmp_path):
    # given: a bad file, and the real `xinfang` entry point on a database of its own
    path = tmp_path / "bad.toml"
    path.write_text("year = 2027\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="xinfang.config.settings.test", XINFANG_DATA_DIR=str(tmp_path / "var"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    # when
    result = subprocess.run([sys.executable, "-m", "xinfang.cli", "holidays", "load", str(path)],
                            check=False, capture_output=True, text=True, env=env)
    # then
    assert result.returncode == 1
    assert "至少应有一个 [[holidays]]" in result.stderr
