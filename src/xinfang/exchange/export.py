"""Export petitions with their whole history: JSON lines, CSV (opens in Excel) and xlsx, streamed in batches."""

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xinfang.audit.services import audit_record
from xinfang.exchange.cells import csv_escape, xlsx_row
from xinfang.exchange.format import (
    ACTION_LABELS,
    CODE_LISTS,
    FORMAT_VERSION,
    HEADERS,
    SOURCE_SYSTEM,
    example_record,
    org_codes,
    record_to_row,
)
from xinfang.exchange.office import write_office_xlsx
from xinfang.exchange.people import USER_VALUES, exchanged_person
from xinfang.orgs.models import Org, User
from xinfang.petitions import crypto
from xinfang.petitions.masking import mask_id_number, mask_phone
from xinfang.petitions.reveal_approvals import needs_approval
from xinfang.petitions.models import Category, HotTopic, Petition, PetitionEvent, PetitionParty
from xinfang.petitions.selectors import PetitionFilters, petitions_filter, petitions_visible_to
from xinfang.petitions.services import can_reveal
from xinfang.petitions.validators import normalize_id_number, normalize_phone
from xinfang.workflow.selectors import petitions_by_deadline

FORMATS = ("jsonl", "csv", "xlsx")
# The office export (exchange/office.py): readable names, one sheet, not for import; the case list's 导出Excel（办公）.
OFFICE = "office"
BATCH_SIZE = 1000
PETITION_SHEET = "信访事项"
CODE_SHEET = "代码表"
CORRECTION = "correct"
# The step value that names another petition: 不再受理 (refuse_repeat) names the final matter repeated.
REFERENCE_VALUE = "same_matter_as"


def export_queryset(
    *, user: User | None, filters: PetitionFilters, org: Org | None = None, deadline: str = ""
) -> QuerySet[Petition]:
    """The petitions to export: the user's scope (everything for None, the command line's administrator)."""
    base = Petition.objects.all() if user is None else petitions_visible_to(user=user)
    base = petitions_filter(queryset=base, filters=filters)
    if deadline:  # the case list's 期限 filter
        base = petitions_by_deadline(queryset=base, level=deadline, today=timezone.localdate())
    if org is not None:
        base = base.filter(Q(registering_org__path__startswith=org.path) | Q(locality__path__startswith=org.path)
                           | Q(handling_org__path__startswith=org.path))
    # By id: the scope and text filters join, and batches page on the primary key.
    return Petition.objects.filter(pk__in=base.values("pk"))


def _values(values: dict[str, Any], codes: dict[int, str], users: dict[int, tuple[str, str | None]]) -> dict[str, Any]:
    """Event values as exchanged: orgs (stored as {id, name}) by org code, people by username, name and org code.

    Both are stored as {id, name}: the field says which (a user's id is no org's, nor portable).
    """
    return {key: exchanged_person(value, users=users) if key in USER_VALUES and isinstance(value, dict)
            else codes.get(value.get("id"), value.get("name")) if isinstance(value, dict) and "id" in value
            else value for key, value in values.items()}


def _people(batch: list[Petition], codes: dict[int, str]) -> dict[int, tuple[str, str | None]]:
    """The users the batch's steps name, id → (username, org code); one query, none if no step names one."""
    ids = {value["id"] for petition in batch for event in petition.events.all()
           for key, value in (event.data.get("values") or {}).items()
           if key in USER_VALUES and isinstance(value, dict) and "id" in value}
    if not ids:
        return {}
    return {pk: (username, codes.get(org_id))
            for pk, username, org_id in User.objects.filter(pk__in=ids).values_list("pk", "username", "org_id")}


def _history(events: Iterable[PetitionEvent], codes: dict[int, str],
             users: dict[int, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """The effective procedure: steps later undone by a correction are left out, with the correction."""
    events = list(events)
    corrected = {event.data.get("corrects") for event in events if event.kind == CORRECTION}
    return [
        {"action": event.kind, "acted_on": event.data.get("acted_on") or timezone.localdate(event.occurred_at).isoformat(),
         "from": event.data.get("from"), "to": event.data.get("to"),
         "values": _values(event.data.get("values") or {}, codes, users), "notice": event.data.get("notice"),
         "actor_org": codes.get(event.actor_org_id), "note": event.note,
         # The day the step was entered (补录 when later than acted_on); older events: the event's own time.
         "recorded_on": event.data.get("recorded_on") or timezone.localdate(event.occurred_at).isoformat(),
         "late_entry": bool(event.data.get("late_entry"))}
        for event in events if event.kind in ACTION_LABELS and event.pk not in corrected
    ]


def _petitioner(party: PetitionParty, *, unmask: bool) -> dict[str, Any]:
    person = party.petitioner
    if unmask:
        name, id_number, phone, address = person.name, person.id_number, person.phone, person.address
    else:
        name, id_number = person.masked_name, person.masked_id_number
        phone, address = person.masked_phone, person.masked_address
    return {"kind": person.kind, "name": name, "id_number": id_number, "phone": phone, "address": address,
            "is_representative": party.is_representative}


def petition_records(
    *, queryset: QuerySet[Petition], unmask: bool = False, batch_size: int = BATCH_SIZE,
    visible: QuerySet[Petition] | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per petition, in id order; each batch is a fixed handful of queries.

    `visible` is the exporting user's `petitions_visible_to` (None: everything, the command line's
    administrator). A reference to another petition (重复信访关联编号, a 不再受理 step's 已终结事项编号) is
    written only if that petition is visible too: otherwise the cell is empty, so an export never tells a
    township that an accusation against it exists, nor its number.
    """
    codes = org_codes(orgs=Org.objects.only("id", "name", "region_code", "parent_id", "path"))
    categories = dict(Category.objects.values_list("id", "code"))
    events = PetitionEvent.objects.filter(kind__in=[*ACTION_LABELS, CORRECTION]).only(
        "id", "petition_id", "kind", "occurred_at", "note", "data", "actor_org_id")
    last = 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last).order_by("pk").select_related("first_petition").prefetch_related(
                Prefetch("hot_topics", queryset=HotTopic.objects.only("id", "code")),
                Prefetch("parties", queryset=PetitionParty.objects.select_related("petitioner")),
                Prefetch("events", queryset=events),
                "evaluations", "notices",
            )[:batch_size]
        )
        if not batch:
            return
        shown = _references_shown(batch, visible=visible)
        users = _people(batch, codes)
        for petition in batch:
            # A user's unmasked export keeps accusers masked (their identity needs a second official's approval,
            # petitions.reveal_approvals); the command line's operator, who holds the keys, exports them whole.
            full = unmask and (visible is None or not needs_approval(petition))
            yield _withhold(_record(petition, codes=codes, categories=categories, users=users, unmask=full), shown)
        last = batch[-1].pk


def _references_shown(batch: list[Petition], *, visible: QuerySet[Petition] | None) -> set[str] | None:
    """The numbers of the other petitions this batch refers to that may be shown; None: all may.

    One query per batch, and none when the batch refers to no other petition.
    """
    if visible is None:
        return None
    ids = {petition.first_petition_id for petition in batch if petition.first_petition_id}
    numbers = {str(event.data["values"][REFERENCE_VALUE]).upper() for petition in batch
               for event in petition.events.all() if (event.data.get("values") or {}).get(REFERENCE_VALUE)}
    if not ids and not numbers:
        return set()
    return set(visible.filter(Q(pk__in=ids) | Q(number__in=numbers)).values_list("number", flat=True))


def _withhold(record: dict[str, Any], shown: set[str] | None) -> dict[str, Any]:
    """Empty every reference to a petition the exporting user may not see (not "hidden": nothing at all)."""
    if shown is None:
        return record
    if record["repeat_of"] and record["repeat_of"] not in shown:
        record["repeat_of"] = ""
    for step in record["history"]:
        reference = step["values"].get(REFERENCE_VALUE)
        if reference and str(reference).upper() not in shown:
            step["values"][REFERENCE_VALUE] = ""
    return record


def _record(petition: Petition, *, codes: dict[int, str], categories: dict[int, str],
            users: dict[int, tuple[str, str | None]], unmask: bool) -> dict[str, Any]:
    return {
        "type": "petition",
        "source_system": SOURCE_SYSTEM, "external_id": petition.number, "number": petition.number,
        "registering_org": codes.get(petition.registering_org_id),
        "channel": petition.channel, "received_at": timezone.localtime(petition.received_at).isoformat(),
        "source_reference": petition.source_reference, "summary": petition.summary, "content": petition.content,
        "demands": petition.demands, "category": categories.get(petition.category_id),
        "petition_type": petition.petition_type, "locality": codes.get(petition.locality_id),
        "complained_org": codes.get(petition.complained_org_id), "handling_org": codes.get(petition.handling_org_id),
        "amount_involved": None if petition.amount_involved is None else str(petition.amount_involved),
        "hot_topics": [topic.code for topic in petition.hot_topics.all()],
        "litigation_related": petition.litigation_related, "urgency": petition.urgency,
        "person_times": petition.person_times, "is_group_visit": petition.is_group_visit,
        "is_skip_level": petition.is_skip_level,
        "status": petition.status, "outcome": petition.outcome, "legal_pathway": petition.legal_pathway,
        # 重件: the matter's first petition, by its external id here (its number).
        "repeat_of": petition.first_petition.number if petition.first_petition_id else "",
        "petitioners": [_petitioner(party, unmask=unmask) for party in petition.parties.all()],
        "history": _history(petition.events.all(), codes, users),
        "evaluations": [
            {"rating": evaluation.rating, "rated_by": evaluation.rated_by, "rated_on": evaluation.rated_on.isoformat(),
             "comment": evaluation.comment} for evaluation in petition.evaluations.all() if not evaluation.voided],
        "notices": [
            {"kind": notice.kind, "number": notice.number, "issued_on": timezone.localdate(notice.issued_at).isoformat(),
             "issuing_org": codes.get(notice.issuing_org_id), "voided": notice.voided}
            for notice in petition.notices.all()],
    }


def reference_records() -> Iterator[dict[str, Any]]:
    """What an empty database needs before the petitions: the org tree (parents first) and the code lists."""
    orgs = list(Org.objects.order_by("path"))
    codes = org_codes(orgs=orgs)
    for org in orgs:
        yield {"type": "org", "code": codes[org.pk], "parent": codes.get(org.parent_id), "name": org.name,
               "short_name": org.short_name, "kind": org.kind, "level": org.level, "region_code": org.region_code,
               "number_prefix": org.number_prefix, "is_active": org.is_active}
    for category in Category.objects.select_related("parent").order_by("parent_id", "sort_order", "code"):
        yield {"type": "category", "code": category.code, "name": category.name,
               "parent": category.parent.code if category.parent_id else None,
               "sort_order": category.sort_order, "is_active": category.is_active}
    for topic in HotTopic.objects.all():
        yield {"type": "hot_topic", "code": topic.code, "name": topic.name, "sort_order": topic.sort_order,
               "is_active": topic.is_active}


def _meta(*, full: bool) -> dict[str, Any]:
    return {"type": "meta", "format_version": FORMAT_VERSION, "source_system": SOURCE_SYSTEM,
            "exported_at": timezone.localtime().isoformat(), "full": full}


def write_jsonl(*, records: Iterable[dict[str, Any]], out: io.TextIOBase, full: bool = False) -> None:
    leading = [_meta(full=full), *(reference_records() if full else ())]
    for record in itertools.chain(leading, records):
        out.write(json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n")


def write_csv(*, records: Iterable[dict[str, Any]], out: io.TextIOBase) -> None:
    out.write("\ufeff")  # the BOM tells Excel the file is UTF-8; without it Chinese headers are garbled
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for record in records:
        # Formula-like text gets an apostrophe (cells.py); the importer takes it off again.
        writer.writerow([csv_escape(value) for value in record_to_row(record=record)])


def _clean(value: Any) -> Any:
    # Control characters pasted into old systems' text make openpyxl refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(workbook: Workbook, title: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        # Formula-like text is written as a string cell, never as a live formula (cells.py).
        sheet.append(xlsx_row(sheet, (_clean(value) for value in row)))


def code_rows() -> Iterator[tuple[str, str, str]]:
    """The 代码表 sheet: (代码类别, 代码, 名称) for every coded column."""
    for list_name, items in CODE_LISTS:
        for code, label in items:
            yield list_name, code, label
    for category in Category.objects.select_related("parent").order_by("parent_id", "sort_order", "code"):
        yield "问题分类", category.code, str(category)
    for topic in HotTopic.objects.all():
        yield "热点领域", topic.code, topic.name
    orgs = list(Org.objects.order_by("path"))
    codes = org_codes(orgs=orgs)
    for org in orgs:
        yield "机构", codes[org.pk], org.name


def write_xlsx(*, records: Iterable[dict[str, Any]], out: BinaryIO | str, full: bool = False) -> None:
    # write_only: rows go to a temporary file as they come, so memory does not grow with the export.
    workbook = Workbook(write_only=True)
    _sheet(workbook, PETITION_SHEET, HEADERS, (record_to_row(record=record) for record in records))
    _sheet(workbook, CODE_SHEET, ("代码类别", "代码", "名称"), code_rows())
    if full:
        references = list(reference_records())
        for kind, title in (("org", "机构"), ("category", "问题分类"), ("hot_topic", "热点领域")):
            rows = [record for record in references if record["type"] == kind]
            keys = [key for key in rows[0] if key != "type"] if rows else ["code"]
            _sheet(workbook, title, keys, ([row[key] for key in keys] for row in rows))
    workbook.save(out)


def write_template(*, out: BinaryIO | str) -> None:
    """The empty import template: headers, 代码表, and one example row marked 示例."""
    write_xlsx(records=[example_record()], out=out)


# A run of digits that may be an ID number (17 digits and a check character) or a phone number (7 or more).
_IDENTIFIER_RUN = re.compile(r"\d{17}[\dXx]|[+\d][\d\-]{5,}\d")


def audit_text_filter(text: str) -> dict[str, str]:
    """The search text as the audit log keeps it: never an ID or phone number in clear.

    The log is append-only, so what it stores can never be erased. A text that is an ID or phone number
    (the list's search finds petitioners by them) is kept masked, with its blind index so an auditor can
    still check whether someone searched for a given number; digits inside other text are masked.
    """
    compact = text.strip().replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        number = normalize_id_number(compact)
        return {"text": mask_id_number(number), "text_index": crypto.blind_index(number)}
    phone = normalize_phone(compact)
    if len(phone) >= 7 and phone.replace("-", "").isdigit():
        return {"text": mask_phone(phone), "text_index": crypto.blind_index(phone)}
    return {"text": mask_identifiers(text)}


def mask_identifiers(text: str) -> str:
    """Text with every run of digits that may be an ID or phone number masked (for the audit log)."""
    return _IDENTIFIER_RUN.sub(lambda match: mask_id_number(match.group()), text)


def _counted(records: Iterable[dict[str, Any]], counter: list[int]) -> Iterator[dict[str, Any]]:
    for record in records:
        counter[0] += 1
        yield record


def petitions_export(
    *,
    out: BinaryIO,
    fmt: str,
    user: User | None,
    filters: PetitionFilters | None = None,
    org: Org | None = None,
    deadline: str = "",
    unmask: bool = False,
    reason: str = "",
    full: bool = False,
    channel: str = "cli",
) -> int:
    """Write the export to `out` and audit it; returns the number of petitions written."""
    if fmt not in (*FORMATS, OFFICE):
        raise ValidationError({"format": [f"不支持的格式：{fmt}（可选 {'、'.join((*FORMATS, OFFICE))}）"]})
    if unmask and user is not None and not can_reveal(actor=user):
        # The same roles as a full view on the case page (petitions.services.REVEAL_ROLES); the command line
        # without --user is the operator's, and is audited as such.
        raise PermissionDenied("您的角色无权导出完整个人信息")
    if unmask and not reason.strip():
        raise ValidationError({"reason": ["导出完整个人信息须填写事由"]})
    filters = filters or PetitionFilters()
    counter = [0]
    visible = None if user is None else petitions_visible_to(user=user)
    records = _counted(petition_records(queryset=export_queryset(user=user, filters=filters, org=org,
                                                                       deadline=deadline),
                                        unmask=unmask, visible=visible), counter)
    if fmt == OFFICE:
        write_office_xlsx(records=records, out=out)
    elif fmt == "xlsx":
        write_xlsx(records=records, out=out, full=full)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="" if fmt == "csv" else "\n")
        if fmt == "csv":
            write_csv(records=records, out=text)
        else:
            write_jsonl(records=records, out=text, full=full)
        text.flush()
        text.detach()  # the caller owns `out`
    filter_data = {key: value for key, value in asdict(filters).items() if value not in (None, "")}
    if filters.text:
        filter_data.update(audit_text_filter(filters.text))
    if deadline:
        filter_data["deadline"] = deadline
    if org is not None:
        filter_data["org"] = org.region_code or org.pk
    with transaction.atomic():
        audit_record(actor=user, action="exchange.export",
                     data={"format": fmt, "filter": filter_data, "count": counter[0], "full": full,
                           "unmasked": unmask, "channel": channel,
                           "as_user": user.get_username() if user else "（命令行，全部数据）"})
        if unmask:
            audit_record(actor=user, action="exchange.export_unmasked",
                         data={"format": fmt, "count": counter[0], "reason": reason.strip()[:500],
                               "channel": channel})
    return counter[0]
