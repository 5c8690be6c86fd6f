"""The checklist configuration: the shipped file, the grades, and a bad file that names its place."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinfang.quality import config as quality_config_module
from xinfang.quality.config import config_load, quality_config

GOOD = """
[grading]
failing = "不合格"
grades = [{ name = "优秀", min_percent = 90 }, { name = "合格", min_percent = 70 }]

[[checklists]]
key = "first_contact"
name = "首接首办质量评价"
[[checklists.items]]
key = "registration_complete"
text = "登记要素齐全"
points = 50
auto = "registration_complete"
[[checklists.items]]
key = "manual"
text = "热情接待"
points = 50
"""


def write(tmp_path, text):
    path = tmp_path / "quality.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_checklists_and_grades():
    config = config_load()
    assert [checklist.key for checklist in config.checklists] == ["first_contact", "standardization"]
    assert {checklist.points_possible for checklist in config.checklists} == {100}
    assert [config.grade_for(Decimal(value)) for value in ("100", "90", "89.99", "70", "69.99", "0")] == [
        "优秀", "优秀", "合格", "合格", "不合格", "不合格"]


@pytest.mark.parametrize(("broken", "place"), [
    (GOOD.replace("points = 50\nauto", "points = 0\nauto"), "checklists[0].items[0].points"),
    (GOOD.replace('auto = "registration_complete"', 'auto = "guess"'), "checklists[0].items[0].auto"),
    (GOOD.replace('key = "manual"', 'key = "registration_complete"'), "checklists[0].items: item key"),
    (GOOD.replace("min_percent = 70", "min_percent = 95"), "grading.grades: list the grades best first"),
    (GOOD.replace('text = "热情接待"', 'text = ""'), "checklists[0].items[1].text"),
    (GOOD.replace('failing = "不合格"', ""), "grading.failing"),
])
def test_a_bad_file_names_its_place(tmp_path, broken, place):
    with pytest.raises(ImproperlyConfigured) as error:
        config_load(write(tmp_path, broken))
    assert place in str(error.value)


def test_the_settings_file_replaces_the_shipped_one(tmp_path, settings):
    settings.XINFANG_QUALITY_FILE = str(write(tmp_path, GOOD))
    quality_config_module._cached_config.cache_clear()
    try:
        config = quality_config()
        assert [checklist.key for checklist in config.checklists] == ["first_contact"]
        assert config.checklist("first_contact").points_possible == 100
    finally:
        quality_config_module._cached_config.cache_clear()
