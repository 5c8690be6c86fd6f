"""Import: coded values as codes or Chinese labels in every form, errors in Chinese under the right column,
the old review conclusion 不予受理 refused with what to write instead, and `xinfang rules` listing value keys."""

import copy
import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.exchange.test_import import exported, shape, write_jsonl
from xinfang.exchange.format import HEADERS, org_codes, record_to_row
from xinfang.exchange.importer import import_file
from xinfang.exchange.models import ImportedRecord
from xinfang.orgs.models import Org
from xinfang.workflow.models import Notice
from xinfang.workflow.rules import RULES

pytestmark = pytest.mark.django_db

ENGINES = ["services", "bulk"]
IMPORT_MD = Path(__file__).resolve().parents[2] / "docs" / "IMPORT.md"


def errors(report) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in report.errors]


def labelled(record: dict) -> dict:
    """The record with every coded value written as its Chinese label, as an office would type it."""
    record = copy.deepcopy(record)
    record.update(channel="来信", petition_type="申诉求决类", urgency="一般", status="已送达", outcome="部分支持")
    for person in record["petitioners"]:
        person["kind"] = "个人"
    labels = {"outcome": "部分支持", "delivery_method": "直接送达", "rating": "基本满意", "rated_by": "信访人自评"}
    for step in record["history"]:
        step["values"].update({key: label for key, label in labels.items() if key in step["values"]})
    return record


@pytest.mark.parametrize("engine", ENGINES)
def test_chinese_labels_in_json_lines_import_as_their_codes(delivered, importer, tmp_path, engine):
    record = labelled(exported())
    assert record["history"][-1]["values"]["rating"] == "基本满意"
    report = import_file(path=write_jsonl(tmp_path / "labels.jsonl", [record]), actor=importer, engine=engine)
    assert errors(report) == []
    imported = ImportedRecord.objects.get().petition
    assert shape(imported) == shape(delivered)
    assert (imported.channel, imported.urgency, imported.petition_type) == ("letter", "normal", "grievance")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_status_mismatch_is_reported_in_chinese_labels(delivered, importer, tmp_path, engine):
    record = {**exported(), "status": "final"}
    report = import_file(path=write_jsonl(tmp_path / "status.jsonl", [record]), actor=importer, engine=engine)
    assert errors(report) == [(1, "状态", "与办理历史推出的结果不一致：文件为“已终结”，按历史应为“已送达”")]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_outcome_mismatch_is_reported_in_chinese_labels(delivered, importer, tmp_path, engine):
    record = {**exported(), "outcome": "supported"}
    report = import_file(path=write_jsonl(tmp_path / "outcome.jsonl", [record]), actor=importer, engine=engine)
    assert errors(report) == [(1, "处理结果", "与办理历史推出的结果不一致：文件为“支持”，按历史应为“部分支持”")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_visitor_without_an_id_number_is_reported_under_the_id_column(delivered, importer, tmp_path, engine):
    record = exported()
    second = {**record["petitioners"][0], "name": "李四", "id_number": "", "phone": "13900001111"}
    visit = {**record, "channel": "visit", "petitioners": [record["petitioners"][0], second], "history": [],
             "status": "registered", "outcome": ""}
    report = import_file(path=write_jsonl(tmp_path / "visit.jsonl", [visit]), actor=importer, engine=engine)
    assert errors(report) == [(1, "证件号码", "来访人须登记身份证号码")]


def old_review_refusal(district) -> dict:
    """A delivered matter whose 复查 request was "decided" 不予受理, as files written before refuse_review say."""
    county = org_codes(orgs=Org.objects.all())[district.county.pk]
    record = exported()
    record["history"] += [
        {"action": "request_review", "acted_on": "2026-05-10", "values": {"reviewing_org": county},
         "actor_org": county},
        {"action": "decide_review", "acted_on": "2026-05-20", "values": {"review_outcome": "not_accepted",
                                                                          "reasons": "已超过申请期限"},
         "actor_org": county},
    ]
    return {**record, "status": "reviewed"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("conclusion", ["not_accepted", "不予受理"])
def test_an_old_review_refusal_is_refused_saying_to_write_refuse_review(delivered, district, importer, tmp_path,
                                                                        engine, conclusion):
    record = old_review_refusal(district)
    record["history"][-1]["values"]["review_outcome"] = conclusion
    report = import_file(path=write_jsonl(tmp_path / "old.jsonl", [record]), actor=importer, engine=engine)
    ((row, column, message),) = errors(report)
    assert (row, column) == (1, "历史(JSON)")
    assert message.startswith("第7步（decide_review）：复查结论“不予受理”已停用")
    for advice in ("refuse_review", "request_review", "review_refusal_reason", "out_of_time", "wrong_organ",
                   "already_decided", "第三十五条"):
        assert advice in message
    assert not ImportedRecord.objects.exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_rewrite_the_message_asks_for_imports(delivered, district, importer, tmp_path, engine):
    record = old_review_refusal(district)
    county = record["history"][-1]["actor_org"]
    # As the message says: the request and the opinion out, one refuse_review by the organ that received it.
    record["history"][-2:] = [{"action": "refuse_review", "acted_on": "2026-06-10", "actor_org": county,
                               "values": {"review_refusal_reason": "申请超过30日的法定期限", "reason": "逾期"}}]
    record["status"] = "delivered"
    report = import_file(path=write_jsonl(tmp_path / "new.jsonl", [record]), actor=importer, engine=engine)
    assert errors(report) == []
    imported = ImportedRecord.objects.get().petition
    assert imported.status == "delivered"
    refusal = imported.notices.get(kind=Notice.Kind.REVIEW_REFUSAL)
    assert refusal.issuing_org == district.county


@pytest.mark.parametrize("engine", ENGINES)
def test_an_old_review_refusal_in_the_step_columns_is_refused_under_its_column(delivered, district, importer,
                                                                                tmp_path, engine):
    record = old_review_refusal(district)
    cells = dict(zip(HEADERS, record_to_row(record=record), strict=True))
    cells.update({"历史(JSON)": "", "复查结论": "不予受理", "信访人姓名": "张小三"})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([HEADERS, [cells[header] for header in HEADERS]])
    path = tmp_path / "steps.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = import_file(path=path, actor=importer, engine=engine)
    ((row, column, message),) = errors(report)
    assert (row, column) == (2, "复查结论")
    assert message.startswith("复查结论“不予受理”已停用") and "refuse_review" in message and "历史(JSON)" in message


def test_xinfang_rules_lists_every_action_with_the_keys_of_its_values(capsys):
    call_command("rules")
    out = capsys.readouterr().out
    blocks = dict(re.findall(r"^(\w+)　[^\n]*\n((?:    [^\n]*\n)*)", out, flags=re.M))
    assert set(blocks) == {rule.action for rule in RULES}
    for rule in RULES:
        keys = re.findall(r"^    (\w+)　", blocks[rule.action], flags=re.M)
        assert keys == [*rule.fields, *rule.optional_fields], rule.action
    assert "review_refusal_reason　不予受理理由（必填）　代码：out_of_time 申请超过30日的法定期限" in blocks["refuse_review"]
    assert "handling_org　责任单位（必填）　机构代码" in blocks["forward"]


def test_xinfang_rules_markdown_still_prints_the_rules_table(capsys):
    call_command("rules", "--markdown")
    assert capsys.readouterr().out.startswith("# The procedure as rules (generated)")


def test_docs_import_md_names_the_review_refusals_and_only_real_actions():
    text = IMPORT_MD.read_text(encoding="utf-8")
    listed = re.search(r"`history\[\]\.action` is a rule code of `workflow/rules\.py` \(`xinfang rules` prints "
                       r"every one; the procedure's main ones: ([^)]*)\)", text)
    assert listed is not None
    names = {code.strip() for code in listed[1].split(",")}
    assert names <= {rule.action for rule in RULES}
    assert {"refuse_review", "refuse_re_review", "decide_review", "decide_re_review"} <= names
    for action in ("refuse_review", "refuse_re_review"):
        assert f"{action} `{{review_refusal_reason, reason}}`" in text
