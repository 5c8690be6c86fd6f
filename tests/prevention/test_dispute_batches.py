"""纠纷批次: disputes of one collective matter share a batch and count once as 批次; a dispute without one is its own.

The fixture (all 欠薪; found dates; the batch each is in):

| 纠纷 | 属地 | 责任单位 | 发现 | 批次 |
|---|---|---|---|---|
| D6 | 青石镇 | 青石镇 | 2025-12-20 | B1 幸福里小区业主集体反映 (recorded first) |
| D1 | 青石镇 | 青石镇 | 2026-03-01 | B1 |
| D2 | 青石镇桃源村 | 青石镇 | 2026-03-05 | B1 |
| D3 | 白沙镇 | 白沙镇 | 2026-04-01 | B1 (joined by the county office, which sees both townships) |
| D4 | 青石镇 | 青石镇 | 2026-05-01 | — |
| D5 | 白沙镇 | 白沙镇 | 2026-06-01 | — |
| D7 | 白沙镇 | 白沙镇 | 2026-07-01 | B2 某工地农民工集体讨薪 |
| D8 | 白沙镇 | 白沙镇 | 2026-07-02 | B2 |

2026, the county office: 纠纷 7 (D1–D5, D7, D8), 批次 4 (B1 on D1, D4, D5, B2 on D7); by 责任单位 青石镇 2 (B1, D4),
白沙镇 2 (D5, B2). 青石镇 reads D1 D2 D4: 批次 2 (B1 on D1, D4). 白沙镇 reads D3 D5 D7 D8: 批次 3 (B1 on D3, D5, B2) —
a batch spanning two townships counts once in each township's figures and once in the county's.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.prevention.disputes import Dispute, DisputeBatch
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.indicators import INDICATORS_BY_KEY
from xinfang.prevention.services_disputes import dispute_create, dispute_update
from xinfang.prevention.sheets_disputes import COLUMNS, disputes_export, disputes_import
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery
from tests.prevention.conftest import dispute_input
from tests.prevention.test_import import good_row

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
B1, B2 = "幸福里小区业主集体反映", "某工地农民工集体讨薪"
BATCHES = INDICATORS_BY_KEY["prevention_dispute_batches"]


@pytest.fixture
def batches(district, people):
    a, b, office = people.township_a, people.township_b, people.office_clerk
    qingshi, baisha = district.township_a, district.township_b
    made = {}
    for name, locality, actor, found_on, batch in (
            ("D6", qingshi, a, date(2025, 12, 20), B1), ("D1", qingshi, a, date(2026, 3, 1), B1),
            ("D2", district.village_a1, a, date(2026, 3, 5), B1), ("D3", baisha, office, date(2026, 4, 1), B1),
            ("D4", qingshi, a, date(2026, 5, 1), ""), ("D5", baisha, b, date(2026, 6, 1), ""),
            ("D7", baisha, b, date(2026, 7, 1), B2), ("D8", baisha, b, date(2026, 7, 2), B2)):
        made[name] = dispute_create(data=dispute_input(
            locality=locality, responsible_org=qingshi if locality == district.village_a1 else locality,
            found_on=found_on, batch=batch, summary=f"{name} 纠纷"), actor=actor)
    return made


def _figure(q, key="prevention_dispute_batches"):
    return ledgers.compute_totals(q, (INDICATORS_BY_KEY[key],))[key].value


def test_disputes_named_with_one_batch_share_it_and_the_batch_is_versioned_and_audited(batches):
    b1 = DisputeBatch.objects.get(title=B1)
    assert set(b1.disputes.values_list("summary", flat=True)) == {"D6 纠纷", "D1 纠纷", "D2 纠纷", "D3 纠纷"}
    assert b1.number == "批次〔2025〕1号"  # opened by D6, found in 2025
    assert DisputeBatch.objects.count() == 2
    version = LedgerVersion.objects.get(ledger=LedgerVersion.Ledger.DISPUTE_BATCH, record_id=b1.pk)
    assert version.data["批次名称"] == B1
    assert AuditEvent.objects.filter(action="prevention.dispute_batch_create").count() == 2
    d1 = LedgerVersion.objects.get(ledger=LedgerVersion.Ledger.DISPUTE, record_id=batches["D1"].pk)
    assert d1.data["批次"] == f"批次〔2025〕1号 {B1}"


def test_the_batch_figures_equal_the_hand_computed_year_for_each_reader(batches, people):
    assert _figure(LedgerQuery(user=people.office_clerk, **YEAR)) == 4
    assert _figure(LedgerQuery(user=people.township_a, **YEAR)) == 2
    assert _figure(LedgerQuery(user=people.township_b, **YEAR)) == 3
    assert _figure(LedgerQuery(user=people.office_clerk, **YEAR), "prevention_disputes") == 7


@pytest.mark.parametrize("reader, expected", [("office_clerk", {"D1", "D4", "D5", "D7"}),
                                              ("township_a", {"D1", "D4"}), ("township_b", {"D3", "D5", "D7"})])
def test_the_batch_drill_down_lists_one_dispute_per_batch(batches, people, reader, expected):
    q = LedgerQuery(user=getattr(people, reader), **YEAR)
    listed = {dispute.summary.split()[0] for dispute in BATCHES.records(q)}
    assert listed == expected
    assert len(listed) == _figure(q)


def test_the_batches_by_responsible_unit_add_up_to_the_total(batches, people, district):
    q = LedgerQuery(user=people.office_clerk, **YEAR)
    by_unit = ledgers.compute(q, (BATCHES,), by="unit")
    assert {unit: figures["prevention_dispute_batches"].value for unit, figures in by_unit.items()} == {
        district.township_a.pk: 2, district.township_b.pk: 2}
    assert BATCHES.records(q).filter(responsible_org_id=district.township_b.pk).count() == 2  # the cell's drill-down


def test_another_townships_batch_cannot_be_joined_and_nothing_is_written(batches, people, district):
    # 青石镇 does not see B2 (白沙镇's only): joining it is refused, in Chinese, and no dispute is recorded.
    before = Dispute.objects.count()
    with pytest.raises(ValidationError) as error:
        dispute_create(data=dispute_input(locality=district.township_a, batch=B2), actor=people.township_a)
    assert error.value.message_dict["batch"] == [f"批次“{B2}”已由其他单位登记，不在本单位范围内，请换一个批次名称"]
    assert Dispute.objects.count() == before


def test_editing_a_dispute_moves_it_out_of_its_batch(batches, people, district):
    d4 = batches["D4"]
    dispute_update(dispute_id=d4.pk, data=dispute_input(locality=district.township_a, found_on=date(2026, 5, 1),
                                                        batch=B1, summary="D4 纠纷"), actor=people.township_a)
    assert _figure(LedgerQuery(user=people.township_a, **YEAR)) == 1
    dispute_update(dispute_id=d4.pk, data=dispute_input(locality=district.township_a, found_on=date(2026, 5, 1),
                                                        summary="D4 纠纷"), actor=people.township_a)
    assert Dispute.objects.get(pk=d4.pk).batch is None
    assert _figure(LedgerQuery(user=people.township_a, **YEAR)) == 2


def test_the_import_reads_the_batch_column_and_the_export_writes_it(tmp_path, district, people):
    header = [column.header for column in COLUMNS if not column.export_only]
    workbook = Workbook()
    workbook.active.append(header)
    for row in (good_row(**{"批次": B1}), good_row(**{"批次": B1}), good_row()):
        workbook.active.append([row.get(name, "") for name in header])
    path = tmp_path / "批次.xlsx"
    workbook.save(path)
    report = disputes_import(path=path, actor=people.office_reviewer)
    assert (report.created, report.errors) == (3, [])
    assert DisputeBatch.objects.get().disputes.count() == 2
    assert _figure(LedgerQuery(user=people.office_clerk, **YEAR)) == 2

    out = tmp_path / "out.xlsx"
    with out.open("wb") as stream:
        disputes_export(queryset=Dispute.objects.order_by("pk"), out=stream, petitions_of=lambda dispute: [])
    rows = list(load_workbook(out).active.values)
    column = rows[0].index("批次")
    assert [row[column] for row in rows[1:]] == [B1, B1, None]


def test_the_form_opens_a_batch_and_the_detail_page_names_it(client, district, people):
    from xinfang.prevention.lists import DisputeField

    client.force_login(people.township_a)
    response = client.post("/prevention/disputes/new/", {
        "found_on": "2026-03-02", "source": "grid", "batch": B1, "field": DisputeField.objects.first().pk,
        "summary": "业主集体反映延期交房", "parties": "业主代表张某等", "person_times": "40", "amount": "0",
        "locality": district.township_a.pk, "risk_level": "high", "responsible_org": district.township_a.pk,
        "responsible_person": "李镇长"})
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert dispute.batch.title == B1
    page = client.get(f"/prevention/disputes/{dispute.pk}/").content.decode()
    assert B1 in page and "批次〔2026〕1号" in page
    listed = client.get(f"/prevention/disputes/?batch={dispute.batch.pk}").content.decode()
    assert '<strong id="dispute-count">1</strong>' in listed
    form = client.get(f"/prevention/disputes/{dispute.pk}/edit/").content.decode()
    assert f'value="{B1}"' in form
