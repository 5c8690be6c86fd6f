"""The 访调对接 and 导入诉讼 pages per role, a refused form (nothing written), Excel import all-or-nothing, export."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.prevention.referrals import LitigationBatch, Referral
from xinfang.prevention.services_referrals import litigation_create, referral_create
from xinfang.prevention.sheets_referrals import (
    LITIGATION_COLUMNS,
    REFERRAL_COLUMNS,
    litigation_export,
    litigation_import,
    referral_export,
    referral_import,
)
from tests.prevention.test_referrals import litigation_input, referral_input

pytestmark = pytest.mark.django_db


def test_pages_open_for_the_office_and_recording_is_refused_to_readers(client, district, people):
    referral = referral_create(data=referral_input(org=district.township_a), actor=people.township_a)
    batch = litigation_create(data=litigation_input(org=district.township_a), actor=people.township_a)
    client.force_login(people.office_reviewer)
    for url in ("/prevention/referrals/", "/prevention/referrals/new/", f"/prevention/referrals/{referral.pk}/",
                f"/prevention/referrals/{referral.pk}/edit/", "/prevention/referrals/import/",
                "/prevention/referrals/export.xlsx", "/prevention/referrals/?path=peoples_mediation&outcome=pending",
                "/prevention/litigations/", "/prevention/litigations/new/", f"/prevention/litigations/{batch.pk}/",
                f"/prevention/litigations/{batch.pk}/edit/", "/prevention/litigations/import/",
                "/prevention/litigations/export.xlsx", "/prevention/indicators/referral_count/"):
        assert client.get(url).status_code == 200, url
    listing = client.get("/prevention/litigations/").content.decode()
    assert "导入诉讼 <strong id=\"litigation-count\">1</strong> 批，12 件，120.00 万元" in listing
    assert 'aria-current="page">访调对接</a>' in client.get("/prevention/referrals/").content.decode()
    statistician = user_create(username="rf-stats", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    for reader in (people.village_leader, statistician):
        client.force_login(reader)
        assert client.get(f"/prevention/referrals/{referral.pk}/").status_code == 200
        for url in ("/prevention/referrals/new/", f"/prevention/referrals/{referral.pk}/edit/",
                    "/prevention/litigations/new/", "/prevention/referrals/import/", "/prevention/litigations/import/"):
            assert client.get(url).status_code == 403, url
    # a township records but does not import; another township does not see the record
    client.force_login(people.township_a)
    assert client.get("/prevention/referrals/import/").status_code == 403
    client.force_login(people.township_b)
    assert client.get(f"/prevention/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/prevention/litigations/{batch.pk}/edit/").status_code == 404
    assert referral.number not in client.get("/prevention/referrals/").content.decode()


def form(district, **overrides):
    values = {"summary": "某工地欠薪", "path": "court_mediation", "receiving_body": "清溪区人民法院诉调对接中心",
              "responsible_org": district.township_a.pk, "referred_on": "2026-03-01", "person_times": "12",
              "amount_involved": "36.50", "outcome": "pending", "amount_recovered": "0.00"}
    values.update(overrides)
    return values


def test_the_form_records_refuses_bad_input_and_records_the_outcome(client, district, people):
    client.force_login(people.township_a)
    page = client.post("/prevention/referrals/new/", form(district, outcome="mediated", amount_recovered="40.00"))
    text = page.content.decode()
    assert "已有结果的，请填写结果日期" in text and "到位金额不能大于涉及金额" in text
    assert not Referral.objects.exists()
    response = client.post("/prevention/referrals/new/", form(district))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/prevention/referrals/{referral.pk}/"
    response = client.post(f"/prevention/referrals/{referral.pk}/edit/", form(
        district, version="1", outcome="mediated", outcome_on="2026-03-20", amount_recovered="30.00",
        change_note="已履行"))
    assert response.status_code == 302
    detail = client.get(f"/prevention/referrals/{referral.pk}/").content.decode()
    assert "调解成功（2026年3月20日）" in detail and "结果：进行中 → 调解成功" in detail
    # a stale form (version 1) is refused, nothing changed
    page = client.post(f"/prevention/referrals/{referral.pk}/edit/", form(district, version="1"))
    assert "已被他人修改" in page.content.decode()
    assert Referral.objects.get().outcome == "mediated"
    batch = {"title": "第一批", "guided_on": "2026-03-15", "court": "清溪区人民法院",
             "responsible_org": district.township_a.pk, "case_count": "3", "person_times": "5", "amount": "1.234"}
    assert "确认小数不超过 2 位" in client.post("/prevention/litigations/new/", batch).content.decode()
    page = client.post("/prevention/litigations/new/", {**batch, "amount": "1.23", "petition_numbers": "XF-NONE"})
    assert "找不到信访件或无权查看：XF-NONE" in page.content.decode()
    assert not LitigationBatch.objects.exists()
    client.post("/prevention/litigations/new/", {**batch, "amount": "1.23"})
    assert LitigationBatch.objects.get().amount == Decimal("1.23")


def sheet(tmp_path, columns, rows, name="台账.xlsx"):
    header = [column.header for column in columns if not column.export_only]
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append([row.get(column, "") for column in header])
    path = tmp_path / name
    workbook.save(path)
    return path


def referral_row(**overrides):
    row = {"事项概况": "某工地欠薪", "对接渠道": "人民调解", "接收机构": "青石镇人民调解委员会", "责任单位": "青石镇",
           "移交日期": "2026-03-01", "当事人人次": 12, "涉及金额（万元）": 36.5}
    row.update(overrides)
    return row


def test_the_referral_sheet_imports_all_or_nothing_and_exports_back(tmp_path, district, people):
    bad = [referral_row(),
           referral_row(**{"对接渠道": "法院", "移交日期": "三月", "涉及金额（万元）": "1.234"}),
           referral_row(**{"结果": "调解成功"}),
           referral_row(**{"结果": "调解成功", "结果日期": "2026-03-10", "到位金额（万元）": 50})]
    report = referral_import(path=sheet(tmp_path, REFERRAL_COLUMNS, bad), actor=people.office_reviewer)
    assert report.rolled_back is True
    assert [str(error) for error in report.errors] == [
        "第3行 对接渠道：“法院”不是有效的对接渠道（可填：人民调解、法院诉前调解、行政调解、劳动人事争议仲裁、商事仲裁）",
        "第3行 移交日期：日期格式应为2026-03-02或2026年3月2日：三月",
        "第3行 涉及金额（万元）：最多两位小数（万元）",
        "第4行 结果日期：已有结果的，请填写结果日期",
        "第5行 到位金额（万元）：到位金额不能大于涉及金额",
    ]
    assert not Referral.objects.exists()
    good = [referral_row(), referral_row(**{"结果": "调解成功", "结果日期": "2026年3月10日", "到位金额（万元）": 30})]
    report = referral_import(path=sheet(tmp_path, REFERRAL_COLUMNS, good), actor=people.office_reviewer)
    assert (report.rolled_back, report.created) == (False, 2)
    assert list(Referral.objects.order_by("pk").values_list("outcome", "amount_recovered")) == [
        ("pending", Decimal("0.00")), ("mediated", Decimal("30.00"))]
    assert AuditEvent.objects.filter(action="prevention.referrals_import").count() == 1
    out = tmp_path / "out.xlsx"
    with open(out, "wb") as stream:
        referral_export(queryset=Referral.objects.order_by("pk"), out=stream, petition_of=lambda r: "",
                        dispute_of=lambda r: "")
    exported = list(load_workbook(out).active.values)
    assert exported[0][:2] == ("编号", "事项概况") and exported[2][10] == "调解成功"
    # the export imports back as new records
    again = tmp_path / "again.xlsx"
    with open(again, "wb") as stream:
        referral_export(queryset=Referral.objects.order_by("pk"), out=stream, petition_of=lambda r: "",
                        dispute_of=lambda r: "")
    assert referral_import(path=again, actor=people.office_reviewer).created == 2


def test_the_litigation_sheet_imports_all_or_nothing_and_a_township_may_not_import(tmp_path, district, people):
    row = {"批次名称": "第一批", "导入日期": "2026-03-15", "受理法院": "清溪区人民法院", "责任单位": "青石镇", "件数": 12,
           "人次": 30, "涉及金额（万元）": "120"}
    bad = [row, {**row, "件数": 0, "责任单位": "不存在镇"}]
    report = litigation_import(path=sheet(tmp_path, LITIGATION_COLUMNS, bad), actor=people.office_reviewer)
    assert [str(error) for error in report.errors] == [
        "第3行 责任单位：没有名为“不存在镇”的机构，或不在本单位范围内", "第3行 件数：应不小于1"]
    assert not LitigationBatch.objects.exists()
    report = litigation_import(path=sheet(tmp_path, LITIGATION_COLUMNS, [row, {**row, "件数": 2}]),
                               actor=people.office_reviewer)
    assert report.created == 2 and sum(LitigationBatch.objects.values_list("case_count", flat=True)) == 14
    with pytest.raises(PermissionDenied):
        litigation_import(path=sheet(tmp_path, LITIGATION_COLUMNS, [row]), actor=people.township_a)
    out = tmp_path / "out.xlsx"
    with open(out, "wb") as stream:
        litigation_export(queryset=LitigationBatch.objects.order_by("pk"), out=stream, petitions_of=lambda b: [])
    assert list(load_workbook(out).active.values)[1][5] == 12


def test_the_dispute_page_lists_its_referrals_the_reader_may_see(client, district, people):
    from tests.prevention.conftest import dispute_input
    from xinfang.prevention.services_disputes import dispute_create

    dispute = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    referral = referral_create(data=referral_input(org=district.township_a, dispute_number=dispute.number),
                               actor=people.township_a)
    client.force_login(people.office_reviewer)
    page = client.get(f"/prevention/disputes/{dispute.pk}/").content.decode()
    assert f'<a href="/prevention/referrals/{referral.pk}/">{referral.number}</a> 人民调解，进行中' in page
    another = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    assert referral.number not in client.get(f"/prevention/disputes/{another.pk}/").content.decode()
