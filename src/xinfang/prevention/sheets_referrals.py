"""The 访调对接 and 导入诉讼 sheets: their columns (docs/PREVENTION.md, 访调对接台账导入格式), row → services, export."""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.orgs.models import User
from xinfang.prevention import services_referrals as services
from xinfang.prevention.forms import split_numbers
from xinfang.prevention.referrals import LitigationBatch, Referral
from xinfang.prevention.services_disputes import parse_amount
from xinfang.prevention.sheets import (
    CellError,
    OrgNames,
    RowReader,
    SheetColumn,
    parse_choice,
    parse_date,
    parse_int,
    required_text,
    sheet_import,
    sheet_write,
)

C = SheetColumn
REFERRAL_COLUMNS = (
    C("编号", "number", export_only=True),
    C("事项概况", "summary", required=True),
    C("信访件编号", "petition_number"),
    C("矛盾纠纷编号", "dispute_number"),
    C("对接渠道", "path", required=True),
    C("接收机构", "receiving_body", required=True),
    C("责任单位", "responsible_org", required=True),
    C("移交日期", "referred_on", required=True),
    C("当事人人次", "person_times", required=True),
    C("涉及金额（万元）", "amount_involved"),
    C("结果", "outcome"),
    C("结果日期", "outcome_on"),
    C("到位金额（万元）", "amount_recovered"),
    C("备注", "note"),
)
LITIGATION_COLUMNS = (
    C("编号", "number", export_only=True),
    C("批次名称", "title", required=True),
    C("导入日期", "guided_on", required=True),
    C("受理法院", "court", required=True),
    C("责任单位", "responsible_org", required=True),
    C("件数", "case_count", required=True),
    C("人次", "person_times", required=True),
    C("涉及金额（万元）", "amount"),
    C("关联信访件编号", "petition_numbers"),
    C("备注", "note"),
)


def _headers(columns: tuple[SheetColumn, ...]) -> dict[str, str]:
    return {column.key: column.header for column in columns}


REFERRAL_HEADERS, LITIGATION_HEADERS = _headers(REFERRAL_COLUMNS), _headers(LITIGATION_COLUMNS)


def _error_columns(headers: dict[str, str]) -> dict[str, str]:
    """An error's key → its column: a service's field name, or a cell's own header (RowReader's errors)."""
    return {**headers, **{header: header for header in headers.values()}}


def _amount(value: Any, *, column: str):
    try:
        return parse_amount(value)
    except ValueError as error:
        raise CellError(column, str(error)) from None


def _text(value: Any, *, column: str, max_length: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > max_length:
        raise CellError(column, f"超过{max_length}字")
    return text


class _ReferralRows:
    def __init__(self, actor: User) -> None:
        self.actor, self.orgs = actor, OrgNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> Referral:
        reader = RowReader(cells, REFERRAL_HEADERS)
        summary = reader.take(required_text, "summary", max_length=300)
        path = reader.take(parse_choice, "path", Referral.Path.choices)
        receiving_body = reader.take(required_text, "receiving_body", max_length=100)
        org = reader.take(self.orgs.get, "responsible_org")
        referred_on = reader.take(parse_date, "referred_on", needed=True)
        person_times = reader.take(parse_int, "person_times", minimum=1)
        amount_involved = reader.take(_amount, "amount_involved")
        # An empty 结果 is a matter still with the mediators (进行中).
        outcome = reader.take(parse_choice, "outcome", Referral.Outcome.choices, required=False)
        outcome_on = reader.take(parse_date, "outcome_on")
        amount_recovered = reader.take(_amount, "amount_recovered")
        note = reader.take(_text, "note", max_length=5000)
        reader.check()
        return services.referral_create(actor=self.actor, data=services.ReferralInput(
            summary=summary, path=path, receiving_body=receiving_body, responsible_org_id=org.pk,
            referred_on=referred_on, person_times=person_times, amount_involved=amount_involved,
            outcome=outcome or Referral.Outcome.PENDING, outcome_on=outcome_on, amount_recovered=amount_recovered,
            note=note, petition_number=reader.text("petition_number"), dispute_number=reader.text("dispute_number")))


class _LitigationRows:
    def __init__(self, actor: User) -> None:
        self.actor, self.orgs = actor, OrgNames(actor)

    def write(self, cells: dict[str, Any], row: int) -> LitigationBatch:
        reader = RowReader(cells, LITIGATION_HEADERS)
        title = reader.take(required_text, "title", max_length=200)
        guided_on = reader.take(parse_date, "guided_on", needed=True)
        court = reader.take(required_text, "court", max_length=100)
        org = reader.take(self.orgs.get, "responsible_org")
        case_count = reader.take(parse_int, "case_count", minimum=1)
        person_times = reader.take(parse_int, "person_times", minimum=1)
        amount = reader.take(_amount, "amount")
        note = reader.take(_text, "note", max_length=5000)
        reader.check()
        return services.litigation_create(actor=self.actor, data=services.LitigationInput(
            title=title, guided_on=guided_on, court=court, responsible_org_id=org.pk, case_count=case_count,
            person_times=person_times, amount=amount, note=note,
            petition_numbers=split_numbers(reader.text("petition_numbers"))))


def referral_import(*, path: Path, actor: User) -> ImportReport:
    return sheet_import(path=path, columns=REFERRAL_COLUMNS, actor=actor, mode="referrals",
                        write_row=_ReferralRows(actor).write, headers=_error_columns(REFERRAL_HEADERS))


def litigation_import(*, path: Path, actor: User) -> ImportReport:
    return sheet_import(path=path, columns=LITIGATION_COLUMNS, actor=actor, mode="litigations",
                        write_row=_LitigationRows(actor).write, headers=_error_columns(LITIGATION_HEADERS))


def referral_export(*, queryset: QuerySet[Referral], out: BinaryIO, petition_of, dispute_of) -> int:
    """The referrals with their petition's and dispute's numbers when the reader may see them."""
    def rows():
        for referral in queryset.select_related("responsible_org").iterator(chunk_size=500):
            yield [referral.number, referral.summary, petition_of(referral), dispute_of(referral),
                   referral.get_path_display(), referral.receiving_body, referral.responsible_org.name,
                   referral.referred_on, referral.person_times, referral.amount_involved,
                   referral.get_outcome_display(), referral.outcome_on, referral.amount_recovered, referral.note]

    return sheet_write(out=out, title="访调对接台账", columns=REFERRAL_COLUMNS, rows=rows())


def litigation_export(*, queryset: QuerySet[LitigationBatch], out: BinaryIO, petitions_of) -> int:
    """The batches with the numbers of the petitions the reader may see (`petitions_of(batch)` → numbers)."""
    def rows():
        for batch in queryset.select_related("responsible_org").iterator(chunk_size=500):
            yield [batch.number, batch.title, batch.guided_on, batch.court, batch.responsible_org.name,
                   batch.case_count, batch.person_times, batch.amount, " ".join(petitions_of(batch)), batch.note]

    return sheet_write(out=out, title="导入诉讼台账", columns=LITIGATION_COLUMNS, rows=rows())
