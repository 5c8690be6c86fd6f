"""The exchange format: one record per petition, defined once for every writer and the future reader.

A record is a dict with English keys (the JSON lines form, see docs/IMPORT.md). The Excel/CSV form is one
row per record with the Chinese headers of `COLUMNS`; `record_to_row` flattens a record into that row.
Coded cells hold the Chinese label in Excel/CSV (what offices type) and the code in JSON lines; a reader
accepts either.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from xinfang.orgs.models import Org
from xinfang.petitions.models import Channel, Petitioner, PetitionStatus, PetitionType, Urgency
from xinfang.workflow.choices import (
    DeliveryMethod,
    LegalPathway,
    Outcome,
    RatedBy,
    Rating,
    RejectionReason,
    ReviewOutcome,
)
from xinfang.workflow.models import Notice
from xinfang.workflow.rules import RULES

FORMAT_VERSION = 1
SOURCE_SYSTEM = "xinfang"
# Rows whose 来源系统 starts with this are examples (the template's) and are never imported.
EXAMPLE_MARK = "示例"
# Several petitioners of one petition: one line per petitioner inside each petitioner cell.
MULTI_SEPARATOR = "\n"
LIST_SEPARATOR = ";"
YES, NO = "是", "否"

ACTION_LABELS: dict[str, str] = {rule.action: rule.label for rule in RULES}


@dataclass(frozen=True)
class Column:
    """One column of the Excel/CSV form.

    `key` is the record key it comes from; for step columns, `actions` names the history steps it reads
    (the last one wins) and `key` the step's "acted_on" or a key of its "values".
    """

    header: str
    key: str
    kind: str = "text"  # text, int, decimal, bool, datetime, date, choice, code(s), org, multi, json
    choices: type[models.TextChoices] | None = None
    actions: tuple[str, ...] = ()
    required: bool = False
    note: str = field(default="", compare=False)


COLUMNS: tuple[Column, ...] = (
    Column("来源系统", "source_system", required=True, note="导出系统名；本系统导出为 xinfang"),
    Column("外部编号", "external_id", required=True, note="来源系统内唯一、不变的编号；重复导入以此去重"),
    Column("信访件编号", "number"),
    Column("登记机构", "registering_org", "org", required=True),
    Column("信访形式", "channel", "choice", Channel, required=True),
    Column("收到时间", "received_at", "datetime", required=True, note="ISO 8601，含时区，如 2026-03-02T09:30:00+08:00"),
    Column("来源编号", "source_reference"),
    Column("概况", "summary", required=True),
    Column("信访内容", "content", required=True),
    Column("诉求", "demands"),
    Column("问题分类", "category", "code", required=True, note="问题分类代码，见代码表"),
    Column("信访类型", "petition_type", "choice", PetitionType, required=True),
    Column("问题属地", "locality", "org", required=True),
    Column("被反映单位", "complained_org", "org"),
    Column("责任单位", "handling_org", "org"),
    Column("涉及金额（元）", "amount_involved", "decimal"),
    Column("热点领域", "hot_topics", "codes", note="热点领域代码，多个以 ; 分隔"),
    Column("涉法涉诉", "litigation_related", "bool"),
    Column("紧急程度", "urgency", "choice", Urgency),
    Column("人次", "person_times", "int", required=True),
    Column("集体访", "is_group_visit", "bool"),
    Column("越级", "is_skip_level", "bool", note="是/否：越过有权处理的下级机关提出"),
    Column("状态", "status", "choice", PetitionStatus, note="导入时由历史步骤推出，仅供核对"),
    Column("处理结果", "outcome", "choice", Outcome),
    Column("法定途径", "legal_pathway", "choice", LegalPathway),
    Column("重复信访关联编号", "repeat_of", note="重件：同一事项初件的外部编号（本系统导出为初件的信访件编号）；初件留空"),
    Column("信访人类型", "petitioners.kind", "multi", Petitioner.Kind, note="每位信访人一行（单元格内换行）"),
    Column("信访人姓名", "petitioners.name", "multi", required=True),
    Column("证件号码", "petitioners.id_number", "multi"),
    Column("联系电话", "petitioners.phone", "multi"),
    Column("住址", "petitioners.address", "multi"),
    Column("代表", "petitioners.is_representative", "multi", note="是/否，每位信访人一行"),
    # The key steps, as offices keep them in spreadsheets; 历史(JSON) below carries every step.
    Column("转送日期", "acted_on", "date", actions=("forward", "assign")),
    Column("不予受理日期", "acted_on", "date", actions=("reject", "refuse_repeat")),
    Column("不予受理理由", "rejection_reason", "choice", RejectionReason, actions=("reject",)),
    Column("导入法定途径日期", "acted_on", "date", actions=("redirect",)),
    Column("受理日期", "acted_on", "date", actions=("accept",)),
    Column("延期天数", "days", "int", actions=("extend",)),
    # A signed draft (approve_reply) is a reply too; a row imports its date as reply, the first action.
    Column("答复日期", "acted_on", "date", actions=("reply", "mediate", "approve_reply")),
    Column("送达日期", "acted_on", "date", actions=("deliver",)),
    Column("送达方式", "delivery_method", "choice", DeliveryMethod, actions=("deliver",)),
    Column("评价日期", "acted_on", "date", actions=("evaluate",)),
    Column("评价结果", "rating", "choice", Rating, actions=("evaluate",)),
    Column("评价方式", "rated_by", "choice", RatedBy, actions=("evaluate",)),
    Column("办结日期", "acted_on", "date", actions=("close",)),
    Column("复查申请日期", "acted_on", "date", actions=("request_review",)),
    Column("复查机关", "reviewing_org", "org", actions=("request_review",)),
    Column("复查意见日期", "acted_on", "date", actions=("decide_review",)),
    Column("复查结论", "review_outcome", "choice", ReviewOutcome, actions=("decide_review",)),
    Column("复核申请日期", "acted_on", "date", actions=("request_re_review",)),
    Column("复核机关", "reviewing_org", "org", actions=("request_re_review",)),
    Column("复核意见日期", "acted_on", "date", actions=("decide_re_review",)),
    Column("复核结论", "review_outcome", "choice", ReviewOutcome, actions=("decide_re_review",)),
    Column("终结日期", "acted_on", "date", actions=("finalize",)),
    Column("历史(JSON)", "history", "json", note="全部办理步骤（有则以此为准，上面的日期列仅供阅读）"),
    Column("评价(JSON)", "evaluations", "json"),
    Column("文书(JSON)", "notices", "json"),
)

HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)


def _code_list(choices: type[models.TextChoices]) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices.choices]


# The closed lists of the 代码表 sheet (categories, hot topics and orgs come from the database).
CODE_LISTS: tuple[tuple[str, list[tuple[str, str]]], ...] = (
    ("信访形式", _code_list(Channel)),
    ("信访类型", _code_list(PetitionType)),
    ("紧急程度", _code_list(Urgency)),
    ("状态", _code_list(PetitionStatus)),
    ("处理结果", _code_list(Outcome)),
    ("法定途径", _code_list(LegalPathway)),
    ("不予受理理由", _code_list(RejectionReason)),
    ("送达方式", _code_list(DeliveryMethod)),
    ("评价结果", _code_list(Rating)),
    ("评价方式", _code_list(RatedBy)),
    ("复查复核结论", _code_list(ReviewOutcome)),
    ("信访人类型", _code_list(Petitioner.Kind)),
    ("文书", _code_list(Notice.Kind)),
    ("办理步骤", list(ACTION_LABELS.items())),
)


def org_codes(*, orgs: Iterable[Org]) -> dict[int, str]:
    """A stable, readable code per org: its 行政区划代码, else its parent's code and its name ("500199/清溪区信访办").

    Orgs are taken in path order so a parent's code is known before its children's; a region code used by
    two orgs goes to the first (the government), the other gets the path form.
    """
    codes: dict[int, str] = {}
    used: set[str] = set()
    for org in sorted(orgs, key=lambda org: org.path):
        if org.region_code and org.region_code not in used:
            code = org.region_code
        else:
            parent = codes.get(org.parent_id) if org.parent_id else None
            code = f"{parent}/{org.name}" if parent else org.name
        used.add(code)
        codes[org.pk] = code
    return codes


def _last_step(record: dict[str, Any], actions: tuple[str, ...]) -> dict[str, Any] | None:
    for step in reversed(record.get("history") or []):
        if step["action"] in actions:
            return step
    return None


def label_of(choices: type[models.TextChoices] | None, value: Any) -> Any:
    """The Chinese label of a code; a value that is not one of the codes is returned unchanged."""
    if choices is None or value in (None, ""):
        return value
    try:
        return str(choices(value).label)
    except ValueError:
        return value  # not one of ours: keep the code, the reader reports it


def code_of(choices: type[models.TextChoices], value: Any) -> Any:
    """The code of a coded value given as its Chinese label (what offices type); anything else unchanged.

    A reader accepts either (docs/IMPORT.md), in every form: a value that is neither stays as it is, so the
    check that refuses it names the value the file gave.
    """
    if not isinstance(value, str) or value in choices.values:
        return value
    text = value.strip()
    for code, label in choices.choices:
        if text in (code, str(label)):
            return code
    return value


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "choice":
        return label_of(column.choices, value)
    if column.kind == "codes":
        return LIST_SEPARATOR.join(value)
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False) if value else ""
    return value


def record_to_row(*, record: dict[str, Any]) -> list[Any]:
    """The Excel/CSV row of one record, in `COLUMNS` order."""
    row: list[Any] = []
    for column in COLUMNS:
        if column.actions:
            step = _last_step(record, column.actions)
            value = None if step is None else (
                step.get("acted_on") if column.key == "acted_on" else step.get("values", {}).get(column.key))
        elif column.kind == "multi":
            name = column.key.split(".", 1)[1]
            parts = []
            for person in record.get("petitioners") or []:
                part = person.get(name)
                if name == "is_representative":
                    part = YES if part else NO
                elif name == "kind":
                    part = label_of(Petitioner.Kind, part)
                parts.append(part or "")
            value = MULTI_SEPARATOR.join(parts)
        else:
            value = record.get(column.key)
        row.append(_cell(column, value))
    return row


def example_record() -> dict[str, Any]:
    """The template's example row: fictional, and marked so it is never imported."""
    history = [
        {"action": "forward", "acted_on": "2026-03-03", "values": {"handling_org": "500199101"}},
        {"action": "accept", "acted_on": "2026-03-05", "values": {}},
        {"action": "reply", "acted_on": "2026-04-20", "values": {
            "outcome": "partly_supported", "facts": "经查，拖欠工资属实。", "decision": "责令公司30日内支付。",
            "legal_basis": "《保障农民工工资支付条例》"}},
        {"action": "deliver", "acted_on": "2026-04-22", "values": {"delivery_method": "in_person"}},
        {"action": "evaluate", "acted_on": "2026-04-25", "values": {"rating": "satisfied", "rated_by": "petitioner"}},
    ]
    return {
        "source_system": f"{EXAMPLE_MARK}（此行为填写示例，导入时忽略）", "external_id": "示例-0001", "number": "",
        "registering_org": "500199/清溪区信访办", "channel": "letter", "received_at": "2026-03-02T09:30:00+08:00",
        "source_reference": "", "summary": "反映某建筑公司拖欠农民工工资",
        "content": "本人在某工地务工，工程结束后公司拖欠工资三个月未付。", "demands": "请求督促公司支付拖欠工资。",
        "category": "0301", "petition_type": "grievance", "locality": "500199101", "complained_org": None,
        "handling_org": "500199101", "amount_involved": "35000.00", "hot_topics": [],
        "litigation_related": False, "urgency": "normal", "person_times": 1, "is_group_visit": False,
        "is_skip_level": False, "status": "delivered", "outcome": "partly_supported", "legal_pathway": "", "repeat_of": "",
        "petitioners": [{"kind": "person", "name": "张小三", "id_number": "11010519491231002X",
                         "phone": "13812345678", "address": "某区某镇某村3组", "is_representative": False}],
        "history": history, "evaluations": [], "notices": [],
    }

