"""The 矛盾纠纷 sheet: its columns (docs/PREVENTION.md, 导入格式), the row → services step, the export rows."""

from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from xinfang.exchange.importer import ImportReport
from xinfang.orgs.models import User
from xinfang.prevention import services_disputes as services
from xinfang.prevention.disputes import Dispute, RiskLevel
from xinfang.prevention.forms import split_numbers
from xinfang.prevention.lists import DisputeField
from xinfang.prevention.selectors import campaigns_visible_to
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
COLUMNS = (
    C("编号", "number", export_only=True),
    C("发现日期", "found_on", required=True),
    C("来源", "source", required=True),
    C("排查活动编号", "campaign"),
    C("批次", "batch"),
    C("纠纷领域", "field", required=True),
    C("纠纷概况", "summary", required=True),
    C("当事人", "parties", required=True),
    C("涉及人次", "person_times", required=True),
    C("涉及金额（万元）", "amount"),
    C("属地", "locality", required=True),
    C("风险等级", "risk_level", required=True),
    C("责任单位", "responsible_org", required=True),
    C("责任人", "responsible_person", required=True),
    C("化解期限", "deadline"),
    C("化解措施", "measures"),
    C("化解情况", "outcome"),
    C("化解日期", "settled_on"),
    C("化解方式", "method"),
    C("化解情况说明", "note"),
    C("未化解原因", "unsettled_reason"),
    C("关联信访件编号", "petition_numbers"),
    C("状态", "status", export_only=True),
)
IMPORT_HEADERS = {column.key: column.header for column in COLUMNS}


def _amount(value: Any, *, column: str):
    try:
        return services.parse_amount(value)
    except ValueError as error:
        raise CellError(column, str(error)) from None


class _Rows:
    """Turns rows into service calls, with the lookups (orgs, fields, campaigns) done once per import."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.orgs = OrgNames(actor)
        self.fields = {field.name: field for field in DisputeField.objects.filter(is_active=True)}
        self.campaigns = dict(campaigns_visible_to(user=actor).values_list("number", "pk"))

    def parse(self, cells: dict[str, Any]) -> tuple[services.DisputeInput, services.SettlementInput | None]:
        row = RowReader(cells, IMPORT_HEADERS)
        field = row.lookup("field", self.fields, what="已启用的纠纷领域", required=True)
        campaign_id = row.lookup("campaign", self.campaigns, what="排查活动编号", scoped=True)
        amount = row.take(_amount, "amount")
        found_on = row.take(parse_date, "found_on", needed=True)
        source = row.take(parse_choice, "source", Dispute.Source.choices)
        summary = row.take(required_text, "summary", max_length=300)
        parties = row.take(required_text, "parties", max_length=2000)
        person_times = row.take(parse_int, "person_times", minimum=1)
        locality = row.take(self.orgs.get, "locality")
        risk_level = row.take(parse_choice, "risk_level", RiskLevel.choices)
        responsible_org = row.take(self.orgs.get, "responsible_org")
        responsible_person = row.take(required_text, "responsible_person", max_length=50)
        deadline = row.take(parse_date, "deadline")
        outcome = row.take(parse_choice, "outcome", Dispute.Outcome.choices, required=False)
        settled_on = row.take(parse_date, "settled_on")
        method = row.take(parse_choice, "method", Dispute.Method.choices, required=False)
        row.check()
        dispute = services.DisputeInput(
            source=source, field_id=field.pk, summary=summary, parties=parties, person_times=person_times,
            amount=amount, locality_id=locality.pk, risk_level=risk_level, responsible_org_id=responsible_org.pk,
            responsible_person=responsible_person, found_on=found_on, deadline=deadline,
            measures=row.text("measures"), campaign_id=campaign_id,
            petition_numbers=split_numbers(row.text("petition_numbers")), batch=row.text("batch"))
        settlement = None
        if outcome:
            settlement = services.SettlementInput(outcome=outcome, settled_on=settled_on, method=method or "",
                                                  note=row.text("note"), unsettled_reason=row.text("unsettled_reason"))
        return dispute, settlement

    def write(self, cells: dict[str, Any], row: int) -> Dispute:
        data, settlement = self.parse(cells)
        dispute = services.dispute_create(data=data, actor=self.actor)
        if settlement is not None:
            # The office's own sheet: its settlements are the office's record, verified on import by its reviewer.
            services.dispute_report_settlement(dispute_id=dispute.pk, data=settlement, actor=self.actor)
            dispute = services.dispute_verify(dispute_id=dispute.pk, approve=True, actor=self.actor,
                                              verified_on=settlement.settled_on)
        return dispute


def disputes_import(*, path: Path, actor: User) -> ImportReport:
    rows = _Rows(actor)
    # Cell errors are keyed by header already; service errors by field key (mapped to the header).
    headers = {**IMPORT_HEADERS, **{column.header: column.header for column in COLUMNS}}
    return sheet_import(path=path, columns=COLUMNS, actor=actor, mode="disputes", write_row=rows.write,
                        headers=headers)


def dispute_row(dispute: Dispute) -> list[Any]:
    return [
        dispute.number, dispute.found_on, dispute.get_source_display(),
        dispute.campaign.number if dispute.campaign_id else "", dispute.batch.title if dispute.batch_id else "",
        dispute.field.name, dispute.summary, dispute.parties,
        dispute.person_times, dispute.amount, dispute.locality.name, dispute.get_risk_level_display(),
        dispute.responsible_org.name, dispute.responsible_person, dispute.deadline, dispute.measures,
        dispute.get_outcome_display(), dispute.settled_on, dispute.get_method_display(), dispute.settlement_note,
        dispute.unsettled_reason, "", dispute.get_status_display(),
    ]


def disputes_export(*, queryset: QuerySet[Dispute], out: BinaryIO, petitions_of) -> int:
    """The disputes with their linked petitions the reader may see (`petitions_of(dispute)` → numbers)."""
    def rows():
        for dispute in queryset.select_related("field", "locality", "responsible_org", "campaign", "batch").iterator(
                chunk_size=500):
            row = dispute_row(dispute)
            row[-2] = "、".join(petitions_of(dispute))
            yield row

    return sheet_write(out=out, title="矛盾纠纷排查化解台账", columns=COLUMNS, rows=rows())
