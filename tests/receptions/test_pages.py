"""The receptions pages per role, registration prefilled from a reception and linked to it, Excel in and out."""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import ID_ZHANG
from tests.receptions.conftest import reception_input, schedule_input, visit
from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import Petition
from xinfang.receptions import services
from xinfang.receptions.models import Reception, ReceptionPetition
from xinfang.receptions.sheets import COLUMNS

pytestmark = pytest.mark.django_db


def test_every_page_opens_for_the_office_and_the_recording_pages_are_refused_to_a_leader(client, people):
    schedule = services.schedule_create(data=schedule_input(leader=people.county_leader), actor=people.office_clerk)
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    client.force_login(people.office_reviewer)
    for url in ("/receptions/", "/receptions/figures/", "/receptions/new/", f"/receptions/new/?schedule={schedule.pk}",
                f"/receptions/{reception.pk}/", f"/receptions/{reception.pk}/edit/", "/receptions/schedules/",
                "/receptions/schedules/new/", f"/receptions/schedules/{schedule.pk}/",
                f"/receptions/schedules/{schedule.pk}/edit/", "/receptions/schedules/public/", "/receptions/import/",
                "/receptions/export.xlsx", "/stats/ledgers/receptions/"):
        assert client.get(url).status_code == 200, url
    client.force_login(people.county_leader)
    assert client.get(f"/receptions/{reception.pk}/").status_code == 200
    assert client.get("/receptions/?mine=on").content.decode().count(reception.number) == 1
    for url in ("/receptions/new/", "/receptions/schedules/new/", f"/receptions/{reception.pk}/edit/",
                "/receptions/import/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/receptions/schedules/{schedule.pk}/publish/", {"publish": "1"}).status_code == 302
    schedule.refresh_from_db()
    assert schedule.published is False  # refused by the service: a leader only reads


def test_another_townships_reception_is_not_found(client, people):
    reception = services.reception_create(data=reception_input(leader=people.township_leader), actor=people.township_a)
    client.force_login(people.township_b)
    assert client.get(f"/receptions/{reception.pk}/").status_code == 404
    assert client.post(f"/receptions/{reception.pk}/link/", {"petition_number": "x"}).status_code == 404
    assert reception.number not in client.get("/receptions/").content.decode()


def test_the_reception_page_offers_registration_prefilled_and_the_backlog_button(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    petition = visit(district, category)
    services.reception_petition_link(reception_id=reception.pk, petition=petition, actor=people.office_clerk)
    client.force_login(people.office_clerk)
    page = client.get(f"/receptions/{reception.pk}/").content.decode()
    assert (f'href="/petitions/new/?channel=visit&amp;received_at=2026-03-10T09%3A00&amp;reception={reception.pk}"'
            in page)
    assert (f"/prevention/backlog/new/?petition={petition.pk}&amp;leader={people.county_leader.pk}&amp;source=reception"
            in page)
    form = client.get(f"/petitions/new/?channel=visit&received_at=2026-03-10T09:00&reception={reception.pk}")
    html = form.content.decode()
    assert f'name="reception" value="{reception.pk}"' in html and 'id="reception-note"' in html
    assert 'value="2026-03-10T09:00"' in html


def registration(district, category, **overrides):
    data = {"channel": "visit", "received_at": "2026-03-10T09:00", "petition_type": "grievance",
            "category": category.pk, "locality": district.township_a.pk, "summary": "接访时反映拖欠工资",
            "content": "在某工地务工被拖欠工资。", "urgency": "normal", "person_times": "1", "idempotency_key": "k1",
            "petitioners-TOTAL_FORMS": "1", "petitioners-INITIAL_FORMS": "0", "petitioners-0-kind": "person",
            "petitioners-0-name": "张小三", "petitioners-0-phone": "13812345678",
            "petitioners-0-id_number": ID_ZHANG}
    data.update(overrides)
    return data


def test_a_petition_registered_from_the_reception_is_linked_to_it(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    client.force_login(people.office_clerk)
    response = client.post("/petitions/new/", registration(district, category, reception=str(reception.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get()
    assert ReceptionPetition.objects.get().petition == petition and petition.channel == "visit"
    assert petition.number in client.get(f"/receptions/{reception.pk}/").content.decode()


def test_a_registration_naming_a_reception_out_of_reach_saves_nothing(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.township_b_leader),
                                          actor=people.office_clerk)
    client.force_login(people.statistician)  # a statistician may not register at all
    assert client.post("/petitions/new/", registration(district, category,
                                                            reception=str(reception.pk))).status_code == 404
    client.force_login(people.office_clerk)
    response = client.post("/petitions/new/", registration(district, category, reception="999999"))
    assert response.status_code == 200
    assert "未能关联领导接访记录：接访记录不存在或不在本单位范围内" in response.content.decode()
    assert not Petition.objects.exists() and not ReceptionPetition.objects.exists()


def test_linking_an_already_registered_petition_on_the_page(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    petition = visit(district, category)
    client.force_login(people.office_clerk)
    bad = client.post(f"/receptions/{reception.pk}/link/", {"petition_number": "QXXF-0000"})
    assert "找不到信访件或无权查看：QXXF-0000" in bad.content.decode()
    client.post(f"/receptions/{reception.pk}/link/", {"petition_number": petition.number, "instruction": "限期办结"})
    link = ReceptionPetition.objects.get()
    assert (link.petition, link.instruction) == (petition, "限期办结")


HEADER = [column.header for column in COLUMNS if not column.export_only]


def sheet(tmp_path, rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append([row.get(header, "") for header in HEADER])
    path = tmp_path / "接访台账.xlsx"
    workbook.save(path)
    return path


def good_row(**overrides):
    row = {"接访日期": "2026-03-10", "接访领导": "赵立新", "接访方式": "领导接访日", "接访地点": "区信访接待中心",
           "批次": 3, "人次": 7, "涉及资金（万元）": 36.5, "接访情况": "接待欠薪群众", "领导批示/要求": "限期办结"}
    row.update(overrides)
    return row


def test_an_import_with_a_bad_row_imports_nothing_and_names_row_and_column(people, tmp_path):
    from xinfang.receptions.sheets import receptions_import

    path = sheet(tmp_path, [good_row(), good_row(**{"接访领导": "钱某某", "批次": 2, "人次": 1,
                                                    "涉及资金（万元）": "1.234", "接访方式": "座谈"})])
    report = receptions_import(path=path, actor=people.office_reviewer)
    assert report.rolled_back and not Reception.objects.exists()
    assert {(error.row, error.column, error.message) for error in report.errors} == {
        (3, "接访领导", "没有名为“钱某某”的领导干部，或不在本单位范围内"),
        (3, "接访方式", "“座谈”不是有效的接访方式（可填：领导接访日、约访、下访）"),
        (3, "涉及资金（万元）", "最多两位小数（万元）")}


def test_a_good_import_goes_through_the_services_and_exports_back(client, district, people, category, tmp_path):
    from xinfang.receptions.sheets import receptions_import

    petition = visit(district, category)
    path = sheet(tmp_path, [good_row(**{"关联信访件编号": petition.number}),
                            good_row(**{"接访领导": "钱镇长", "接访方式": "下访", "批次": 1, "人次": 1,
                                        "涉及资金（万元）": ""})])
    report = receptions_import(path=path, actor=people.office_reviewer)
    assert (report.rolled_back, report.created) == (False, 2)
    assert sorted((r.leader.full_name, r.amount) for r in Reception.objects.all()) == [
        ("赵立新", Decimal("36.50")), ("钱镇长", Decimal("0.00"))]
    assert AuditEvent.objects.filter(action="prevention.receptions_import").count() == 1
    client.force_login(people.office_reviewer)
    response = client.get("/receptions/export.xlsx?kind=day")
    rows = list(load_workbook(__import__("io").BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("编号", "接访日期", "接访领导") and len(rows) == 2
    assert rows[1][2:8] == ("赵立新", "领导接访日", "区信访接待中心", 3, 7, 36.5) and rows[1][10] == petition.number
    assert rows[1][1].date() == date(2026, 3, 10)
    assert AuditEvent.objects.filter(action="receptions.reception_export").count() == 1


def test_a_township_may_not_import(people, tmp_path):
    from django.core.exceptions import PermissionDenied

    from xinfang.receptions.sheets import receptions_import

    with pytest.raises(PermissionDenied):
        receptions_import(path=sheet(tmp_path, [good_row()]), actor=people.township_a)


def test_the_leader_sees_his_reception_s_backlog_button_but_not_the_recording_forms(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.county_leader), actor=people.office_clerk)
    services.reception_petition_link(reception_id=reception.pk, petition=visit(district, category),
                                     actor=people.office_clerk)
    client.force_login(people.county_leader)
    page = client.get(f"/receptions/{reception.pk}/").content.decode()
    assert "领导包案" in page and 'id="link-form"' not in page and 'id="register-from-reception"' not in page
    client.force_login(people.statistician)
    page = client.get(f"/receptions/{reception.pk}/").content.decode()
    assert "领导包案" not in page and 'id="link-form"' not in page


def test_a_drill_down_link_row_opens_its_reception_and_is_not_found_out_of_scope(client, district, people, category):
    reception = services.reception_create(data=reception_input(leader=people.township_leader), actor=people.township_a)
    link = services.reception_petition_link(reception_id=reception.pk, petition=visit(district, category),
                                            actor=people.township_a)
    client.force_login(people.township_a)
    response = client.get(f"/receptions/links/{link.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/receptions/{reception.pk}/"
    client.force_login(people.township_b)
    assert client.get(f"/receptions/links/{link.pk}/").status_code == 404
    assert client.post(f"/receptions/links/{link.pk}/remove/").status_code == 404
    assert ReceptionPetition.objects.get().unlinked_at is None


def test_the_export_lists_only_the_petitions_the_reader_may_see(client, district, people, category):
    import io

    reception = services.reception_create(data=reception_input(leader=people.township_leader),
                                          actor=people.office_clerk)
    accusation = visit(district, category, petition_type="accusation", complained_org_id=district.township_a.pk,
                       summary="检举镇干部违规")
    ordinary = visit(district, category)
    for petition in (accusation, ordinary):
        services.reception_petition_link(reception_id=reception.pk, petition=petition, actor=people.office_clerk)
    client.force_login(people.township_a)
    rows = list(load_workbook(io.BytesIO(client.get("/receptions/export.xlsx").content)).active.values)
    assert rows[1][10] == ordinary.number and accusation.number not in str(rows)
    client.force_login(people.office_clerk)
    rows = list(load_workbook(io.BytesIO(client.get("/receptions/export.xlsx").content)).active.values)
    assert set(rows[1][10].split("、")) == {ordinary.number, accusation.number}
