"""The 积案 and 问题清单 pages per role, the reception prefill, the petition page's include, Excel import/export."""

import re
from datetime import date, datetime

import pytest
from django.template.loader import render_to_string
from openpyxl import Workbook, load_workbook

from xinfang.audit.models import AuditEvent
from xinfang.matching.services import repeat_link
from xinfang.prevention.backlog import BacklogCase, BacklogEntry, ProblemListItem
from xinfang.prevention.services_backlog import ProblemInput, case_create, problem_create
from xinfang.prevention.sheets_backlog import COLUMNS, backlog_export, backlog_import
from xinfang.prevention.views_backlog import petition_backlog_context
from tests.prevention.test_backlog import case_input, make_leader, petition, struck_off

pytestmark = pytest.mark.django_db
HEADER = [column.header for column in COLUMNS if not column.export_only]


@pytest.fixture
def leader(district):
    return make_leader(district)


def test_pages_open_for_the_office_and_recording_is_refused_to_a_leader(client, district, people, leader):
    case = case_create(data=case_input(org=district.township_a, leader=leader), actor=people.township_a)
    item = problem_create(data=ProblemInput("某村征地补偿", "李镇长", district.township_a.pk, date(2026, 3, 1),
                                            date(2026, 5, 31)), actor=people.township_a)
    client.force_login(people.office_reviewer)
    for url in ("/prevention/backlog/", "/prevention/backlog/new/", f"/prevention/backlog/{case.pk}/",
                f"/prevention/backlog/{case.pk}/edit/", "/prevention/backlog/import/", "/prevention/backlog/export.xlsx",
                f"/prevention/backlog/leaders/{leader.pk}/", "/prevention/problems/", "/prevention/problems/new/",
                f"/prevention/problems/{item.pk}/", f"/prevention/problems/{item.pk}/edit/",
                "/prevention/problems/?status=overdue", "/prevention/indicators/backlog_cases/",
                "/prevention/indicators/backlog_leaders/", "/prevention/"):
        assert client.get(url).status_code == 200, url
    # the leader in charge reads his 包案 ("我的包案") and cannot record
    client.force_login(leader)
    mine = client.get("/prevention/backlog/?mine=on").content.decode()
    assert case.number in mine
    for url in ("/prevention/backlog/new/", "/prevention/problems/new/", "/prevention/backlog/import/"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/prevention/backlog/{case.pk}/entry/", {"done_on": "2026-03-05", "content": "接访",
                                                                      "done_by": "王"})
    assert response.status_code == 302 and not BacklogEntry.objects.exists()
    # another township: 404
    client.force_login(people.township_b)
    assert client.get(f"/prevention/backlog/{case.pk}/").status_code == 404
    assert client.get(f"/prevention/problems/{item.pk}/").status_code == 404


def test_a_leader_at_a_reception_links_here_with_the_petition_and_himself(client, district, people, leader,
                                                                          category):
    made = petition(district, category, datetime(2026, 2, 1, 9))
    client.force_login(people.office_clerk)
    page = client.get(f"/prevention/backlog/new/?petition={made.pk}&leader={leader.pk}&source=reception")
    form = page.context["form"]
    # the date input shows today's date (an <input type=date> takes only 2026-12-03, not 2026/12/03)
    assert re.search(r'name="assigned_on" value="\d{4}-\d{2}-\d{2}"', page.content.decode())
    assert (form.initial["petition"], form.initial["leader"], form.initial["source"]) == (made.pk, leader.pk,
                                                                                          "reception")
    response = client.post(f"/prevention/backlog/new/?petition={made.pk}", {
        "petition": made.pk, "summary": made.summary, "source": "reception", "assigned_on": "2026-02-02",
        "responsible_org": district.township_a.pk, "leader": leader.pk, "due_on": "2026-05-31"})
    case = BacklogCase.objects.get()
    assert response.status_code == 302 and case.petition == made and case.source == "reception"
    # bad input: refused with the reason, nothing recorded
    response = client.post("/prevention/backlog/new/", {
        "summary": "x", "source": "assigned", "assigned_on": "2026-02-02", "responsible_org": district.township_a.pk,
        "leader": leader.pk, "due_on": "2026-01-01"})
    assert "化解期限不能早于交办（列入）日期" in response.content.decode()
    assert BacklogCase.objects.count() == 1


def test_the_petition_page_include_shows_the_case_and_the_reflux(district, people, leader, category):
    first = petition(district, category, datetime(2026, 2, 1, 9))
    case = case_create(data=case_input(org=district.township_a, leader=leader, petition_id=first.pk),
                       actor=people.office_clerk)
    struck_off(case, people)
    retold = petition(district, category, datetime(2026, 5, 6, 9))
    repeat_link(actor=district.clerk, petition_id=retold.pk, first_petition_id=first.pk, reason="同一事项")
    retold.refresh_from_db()  # now a repeat (重件) of the case's petition
    context = petition_backlog_context(petition=retold, user=people.office_clerk)
    assert context["backlog_cases"] == [case] and [r.case for r in context["backlog_refluxes"]] == [case]
    html = render_to_string("prevention/backlog_petition.html", context)
    assert f"本件为积案 <a href=\"/prevention/backlog/{case.pk}/\">{case.number}</a> 销号后的反流" in html
    assert petition_backlog_context(petition=retold, user=people.township_b) == {"backlog_cases": [],
                                                                                 "backlog_refluxes": []}


def sheet(tmp_path, rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append([row.get(header, "") for header in HEADER])
    path = tmp_path / "积案.xlsx"
    workbook.save(path)
    return path


def good_row(**overrides):
    row = {"积案名称": "某小区办证难", "来源": "上级交办", "交办批次": "治重化积", "交办编号": "7", "交办日期": "2026-03-01",
           "责任单位": "青石镇", "包案领导": "王副区长", "化解期限": "2026-06-30"}
    row.update(overrides)
    return row


def test_the_sheet_imports_all_or_nothing_and_exports_back(tmp_path, district, people, leader):
    bad = [good_row(), good_row(**{"包案领导": "张三", "交办日期": "三月"}), good_row(**{"销号日期": "2026-04-01"})]
    report = backlog_import(path=sheet(tmp_path, bad), actor=people.office_reviewer)
    assert report.rolled_back is True
    assert [str(error) for error in report.errors] == [
        "第3行 交办日期：日期格式应为2026-03-02或2026年3月2日：三月",
        "第3行 包案领导：没有“张三”这一领导干部（姓名或用户名）",
        "第4行 报结日期：填写了销号日期的，请填写报结日期",
    ]
    assert not BacklogCase.objects.exists()
    good = [good_row(), good_row(**{"报结日期": "2026-04-01", "化解情况": "已办证", "销号日期": "2026-04-10"})]
    report = backlog_import(path=sheet(tmp_path, good), actor=people.office_reviewer)
    assert (report.rolled_back, report.created) == (False, 2)
    assert list(BacklogCase.objects.order_by("pk").values_list("status", flat=True)) == ["open", "struck_off"]
    assert AuditEvent.objects.filter(action="prevention.backlog_import").count() == 1
    out = tmp_path / "out.xlsx"
    with open(out, "wb") as stream:
        backlog_export(queryset=BacklogCase.objects.order_by("pk"), out=stream, petition_of=lambda case: "")
    exported = list(load_workbook(out).active.values)
    assert exported[0][:2] == ("编号", "积案名称") and exported[2][-2] == "已核实销号"


def test_a_township_sees_its_villages_cases_and_the_statistician_reads_only(client, district, people, leader):
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create

    village = case_create(data=case_input(org=district.village_a1, leader=leader), actor=people.office_clerk)
    client.force_login(people.township_a)
    assert village.number in client.get("/prevention/backlog/").content.decode()
    client.force_login(people.township_b)
    assert village.number not in client.get("/prevention/backlog/").content.decode()
    statistician = user_create(username="bl-stats", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    client.force_login(statistician)
    assert client.get(f"/prevention/backlog/{village.pk}/").status_code == 200
    assert client.get("/prevention/backlog/new/").status_code == 403
    response = client.post(f"/prevention/backlog/{village.pk}/report/", {"reported_on": "2026-04-01",
                                                                          "resolution": "已化解"})
    assert response.status_code == 302 and BacklogCase.objects.get().status == "open"


def test_the_problem_strike_off_page_refuses_a_township_and_a_bad_date(client, district, people):
    item = problem_create(data=ProblemInput("某村征地补偿", "李镇长", district.township_a.pk, date(2026, 3, 1),
                                            date(2026, 5, 31)), actor=people.township_a)
    client.force_login(people.township_a)
    client.post(f"/prevention/problems/{item.pk}/strike/", {"struck_off_on": "2026-05-01", "note": "已兑付"})
    assert ProblemListItem.objects.get().status == "open"
    client.force_login(people.office_reviewer)
    page = client.post(f"/prevention/problems/{item.pk}/strike/", {"struck_off_on": "2026-01-01", "note": "已兑付"})
    assert "销号日期应在列入日期与今天之间" in page.content.decode()
    client.post(f"/prevention/problems/{item.pk}/strike/", {"struck_off_on": "2026-05-01", "note": "已兑付"})
    assert ProblemListItem.objects.get().status == "struck_off"
