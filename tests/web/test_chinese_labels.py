"""No code names reach users: the drill-down's 计入期间 and 口径, the import page, the list's filter errors."""

import re

import lxml.html
import pytest

from xinfang.orgs.services import user_create
from xinfang.stats.indicators import INDICATORS, PERIOD_RULES

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z_]{2,}")


def visible_text(response) -> str:
    tree = lxml.html.fromstring(response.content.decode())
    for hidden in tree.xpath("//script|//style"):
        hidden.drop_tree()
    return " ".join(tree.text_content().split())


def test_every_period_rule_and_definition_is_chinese_only():
    # 计入期间 is shown on each drill-down and in the tables' 计入期间 column (stats.services).
    assert {key: rule for key, rule in PERIOD_RULES.items() if LATIN_WORD.search(rule)} == {}
    assert {i.key: i.definition_zh for i in INDICATORS if LATIN_WORD.search(i.definition_zh)} == {}


@pytest.mark.parametrize("key", ["registered", "satisfaction_rate", "on_time_completion_rate", "first_petitions",
                                 "skip_level"])
def test_the_drilldown_names_no_field(client, district, key):
    client.force_login(district.clerk)
    response = client.get(f"/stats/indicators/{key}/")
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content.decode())
    facts = dict(zip([dt.text_content() for dt in tree.iterfind(".//dl[@class='stat-facts']/dt")],
                     [dd.text_content() for dd in tree.iterfind(".//dl[@class='stat-facts']/dd")], strict=True))
    assert not LATIN_WORD.search(facts["计入期间"]), facts["计入期间"]
    assert not LATIN_WORD.search(facts["口径"]), facts["口径"]


def test_the_import_page_names_no_command_line_option(client, district):
    root = user_create(username="root", password="pw-123456", org=None, roles=[], is_superuser=True)
    client.force_login(root)
    text = visible_text(client.get("/exchange/import/"))
    # File formats are what the clerk sees in the file dialog; anything else Latin is a code name.
    words = set(LATIN_WORD.findall(text)) - {"xlsx", "csv", "jsonl", "Excel", "CSV", "UTF", "MB", "Alt", "root"}
    assert words == set(), words
    assert "请使用未脱敏的完整导出文件" in text


def test_the_list_names_a_bad_filter_by_its_label(client, district):
    client.force_login(district.clerk)
    text = visible_text(client.get("/petitions/?received_from=2026-13-45"))
    assert "筛选条件有误：收到日期起：" in text
    assert "received_from" not in text
