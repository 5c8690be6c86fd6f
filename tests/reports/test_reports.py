"""Reports generated from the hand-counted test year (tests/stats/conftest.py) and the 2026 prevention ledger."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.stats.conftest import register
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.reports.content import INTAKE, Facts, draft
from xinfang.reports.documents import render_docx, render_xlsx
from xinfang.reports.models import Report, ReportNarrative
from xinfang.reports.selectors import report_sections
from xinfang.reports.services import narrative_save, period_for, report_generate

pytestmark = pytest.mark.django_db
YEAR = dict(start=date(2025, 1, 1), end=date(2025, 12, 31))
INTAKE_2025 = ("全年共登记受理群众来信来访、网上投诉、网上建议和领导信箱8件13人次（初件7件，重复信访占比12.50%），"
               "同比分别增长300%、550%，已办结4件，办结率80%。")


def _text(report):
    return "\n".join(paragraph for item in report_sections(report) for paragraph in item.paragraphs)


def test_the_issue_example_sentence_from_its_figures():
    figures = {key: {"value": value, "unit": unit, "yoy": yoy} for key, value, unit, yoy in (
        ("registered", 47, "件", "-47.78"), ("person_times", 51, "人次", "-50.96"), ("first_petitions", 47, "件", None),
        ("repeat_ratio", "0.00", "%", None), ("completed", 47, "件", None), ("completion_rate", "100.00", "%", None))}
    assert INTAKE.text(Facts(figures, when="全年")) == (
        "全年共登记受理群众来信来访、网上投诉、网上建议和领导信箱47件51人次（初件47件，重复信访占比0%），"
        "同比分别下降47.78%、50.96%，已办结47件，办结率100%。")


def test_annual_report_has_the_expected_sentences(year, district, staff):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    assert report.title == "清溪区信访办关于2025年法治政府建设情况的报告"
    text = _text(report)
    assert INTAKE_2025 in text
    assert "及时受理率85.71%，按期办结率75%，群众满意率66.67%（参评率75%）。" in text
    assert "受理复查申请1件，不予受理0件，出具复查意见1件（维持0件、撤销1件、变更0件），在办0件" in text
    assert "其中网上信访2件，占比25%；来访1批次6人次，集体访1批次。" in text
    # no dispute in the year: the rate has no denominator and is left out, never printed as "—"
    assert "开展矛盾纠纷排查0次，排查发现矛盾纠纷0件0批0人次，涉及金额0.00万元，化解0件。" in text
    assert "—" not in text
    assert ("开展督查督办0次（电话督办0次、发函督办0次、现场督办0次、挂牌督办0次），督办超期未回复0件；"
            "领导批示信访事项0件。") in text
    assert "通报批评0次、通报表扬0次，约谈0次，责令限期整改0次。" in text
    headings = [item.draft.section.heading for item in report_sections(report)]
    assert headings[1:3] == ["一、主要做法和成效", "（一）坚持预防为先，从源头上减少信访问题"]
    assert headings[-3:] == ["二、存在的问题", "三、下一步工作打算", "四、党政主要负责人履行推进法治建设第一责任人职责情况"]
    figure = report.figures["registered"]
    assert (figure["value"], figure["yoy"], figure["definition"]) == ("8", "300.00", "期间内收到并登记的信访事项件数")
    assert figure["url"].startswith(reverse("stats:drilldown", kwargs={"key": "registered"}) + "?start=2025-01-01")
    assert AuditEvent.objects.filter(action="report.generated").count() == 1


def test_a_missing_section_says_nothing_and_is_listed(year, district, staff, client):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    figures = dict(report.figures)
    for key in [key for key in figures if key.startswith("receptions_")]:
        del figures[key]
    sections = {item.section.slug: item for item in draft("annual", figures)}
    assert not any("领导干部接访" in sentence for sentence in sections["handling"].sentences)
    assert [sentence.label for sentence in sections["handling"].missing] == ["领导接访下访"]
    Report.objects.filter(pk=report.pk).update(figures=figures)
    client.force_login(staff.leader)
    page = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    assert "领导接访下访" in page and "receptions_held" in page and "数据未接入" in page


def test_edited_narrative_survives_regeneration_with_new_numbers(year, district, staff, category):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    narrative_save(actor=staff.reviewer, report=report, section="problems", text="基层化解能力仍需提升。\n部分积案化解难度大。")
    narrative_save(actor=staff.reviewer, report=report, section="problems", text="基层化解能力仍需提升。")
    register(district, category, date(2025, 9, 1))
    report = report_generate(actor=staff.reviewer, kind="annual", office=district.office, **YEAR)
    assert Report.objects.count() == 1
    text = _text(report)
    assert "信箱9件14人次（初件8件，重复信访占比11.11%），同比分别增长350%、600%" in text
    sections = {item.draft.section.slug: item for item in report_sections(report)}
    assert sections["problems"].paragraphs == ["基层化解能力仍需提升。"]
    assert ReportNarrative.objects.filter(report=report, section="problems").count() == 2
    assert AuditEvent.objects.filter(action="report.regenerated").count() == 1


def test_roles(year, district, staff, client):
    for user in (staff.leader, staff.supervisor, staff.clerk):
        with pytest.raises(PermissionDenied):
            report_generate(actor=user, kind="annual", office=district.office, **YEAR)
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    with pytest.raises(PermissionDenied):
        narrative_save(actor=staff.leader, report=report, section="problems", text="x")
    assert not ReportNarrative.objects.exists()
    for user, status in ((staff.leader, 200), (staff.supervisor, 200), (staff.reviewer, 200), (staff.clerk, 403)):
        client.force_login(user)
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == status, user
    client.force_login(staff.leader)
    assert client.post(reverse("reports:narrative", args=[report.pk, "problems"]), {"text": "x"}).status_code == 403
    assert client.post(reverse("reports:regenerate", args=[report.pk])).status_code == 403
    assert client.post(reverse("reports:list"), {"kind": "annual", "office": district.office.pk,
                                                "year": 2025}).status_code == 403
    other = user_create(username="r-other", password="pw-123456", org=district.township_b, roles=[Role.STATISTICIAN])
    client.force_login(other)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404


def test_pages_generate_and_edit(year, district, staff, client):
    client.force_login(staff.statistician)
    response = client.post(reverse("reports:list"), {"kind": "quarterly", "office": district.office.pk,
                                                    "year": 2025, "period": 7})
    assert "季度应为1至4" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(reverse("reports:list"), {"kind": "annual", "office": district.office.pk, "year": 2025})
    report = Report.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert INTAKE_2025 in page
    url = reverse("reports:narrative", args=[report.pk, "plans"])
    assert client.post(url, {"text": ""}).status_code == 200  # nothing to save: refused with a message
    assert "请填写文字段落" in client.post(url, {"text": " "}).content.decode()
    client.post(url, {"text": "持续推进信访工作法治化。"})
    assert "持续推进信访工作法治化。" in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert client.get(reverse("reports:narrative", args=[report.pk, "nosuch"])).status_code == 404
    docx = client.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_check_view_drills_down_exactly(year, ledger, district, staff, client):
    """Every figure of the 核对 page: its drill-down lists exactly the records counted."""
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR)
    client.force_login(staff.statistician)
    page = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    keys = re.findall(r'data-key="([a-z0-9_]+)"', page)
    assert "registered" in keys and "prevention_disputes" in keys and len(keys) == len(set(keys)) > 30
    for key in keys:
        figure = report.figures[key]
        assert figure["url"] in page.replace("&amp;", "&")
        response = client.get(figure["url"])
        assert response.status_code == 200, key
        context = response.context
        if figure["kind"] == "rate":
            assert context["total"] == int(figure["numerator"]), key
        elif figure["kind"] == "sum" and figure["source"] == "petitions":
            assert context["person_times"] == int(figure["value"]), key
        elif figure["kind"] == "sum":
            field = context["indicator"].numerator.sum_field
            assert sum(getattr(row["record"], field) for row in context["rows"]) == int(figure["value"]), key
        elif figure["kind"] == "amount":
            field = context["indicator"].numerator.sum_field
            assert sum(getattr(row["record"], field) for row in context["rows"]) == Decimal(figure["value"]), key
        else:
            assert context["total"] == int(figure["value"]), key


def test_ledger_sentences_2026(ledger, district, staff, client):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office,
                             start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
    text = _text(report)
    assert "开展矛盾纠纷排查2次，排查发现矛盾纠纷4件4批55人次，涉及金额206.85万元，化解3件，化解率50%。" in text
    assert "完成社会稳定风险评估3件（准予实施1件、暂缓实施1件、不予实施1件），向信访部门备案2件，备案通过1件。" in text
    kinds = [key for key in report.figures if key.startswith("prevention_assessments_kind_")]
    names = sorted(report.figures[key]["group"] for key in kinds)
    assert names == ["其他类", "工程项目类", "政策制定类"]
    assert "按评估类别，" in text and all(f"{name}1件" in text for name in names)
    client.force_login(staff.statistician)
    for key in kinds:
        response = client.get(report.figures[key]["url"])
        assert response.context["total"] == 1 == int(report.figures[key]["value"]), key


def test_periods_and_bad_input():
    assert period_for(kind="quarterly", year=2025, period=2) == type(period_for(kind="annual", year=2025))(
        date(2025, 4, 1), date(2025, 6, 30))
    assert period_for(kind="monthly", year=2024, period=2).end == date(2024, 2, 29)
    with pytest.raises(ValidationError):
        period_for(kind="monthly", year=2025, period=13)


def test_periodic_xlsx_and_command(year, district, staff, tmp_path):
    out = tmp_path / "q.xlsx"
    call_command("report", "quarterly", office=str(district.county.region_code), year=2025, period=2, out=str(out),
                 stdout=io.StringIO())
    report = Report.objects.get(kind="quarterly")
    assert (report.start, report.end) == (date(2025, 4, 1), date(2025, 6, 30))
    text = _text(report)
    assert "本季度共登记受理信访事项3件8人次" in text
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert "登记信访件数" in names
    assert render_xlsx(report)[:2] == b"PK"
    docx = tmp_path / "a.docx"
    call_command("report", "annual", office=str(district.county.region_code), year=2025, out=str(docx),
                 stdout=io.StringIO())
    from docx import Document

    body = "\n".join(paragraph.text for paragraph in Document(docx).paragraphs)
    assert "清溪区人民政府关于2025年法治政府建设情况的报告" in body and INTAKE_2025 in body
    assert render_docx(Report.objects.get(kind="annual"))[:2] == b"PK"


def test_art41_organs_and_problems_drill_down(year, district, staff, client, category):
    report = report_generate(actor=staff.reviewer, kind="art41", office=district.office, **YEAR)
    assert report.title == "清溪区信访办关于2025年信访工作情况的报告"
    text = _text(report)
    # p1 p2 p3 p5 p7 p8; p4 unsent, p6 rejected; last year's b1 b2 were never sent: no base
    assert "转送、交办信访事项较多的责任单位依次为：青石镇6件（无上年数据）。" in text
    assert f"信访反映的问题主要集中在{category.parent.name}8件（同比增长300%）。" in text  # 8 against b1 b2
    client.force_login(staff.reviewer)
    for key in (f"registered_unit_{district.township_a.pk}", f"registered_category_{category.parent_id}"):
        response = client.get(report.figures[key]["url"])
        assert response.context["total"] == int(report.figures[key]["value"]), key
    page = client.get(reverse("reports:check", args=[report.pk])).content.decode()
    assert f'data-key="registered_unit_{district.township_a.pk}"' in page


def test_the_dispute_sentence_names_the_overdue_only_when_there_are_some(ledger, district, staff):
    from xinfang.reports.content import Facts, _disputes

    report = report_generate(actor=staff.statistician, kind="annual", office=district.office,
                             start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
    figures = {key: dict(item) for key, item in report.figures.items()}
    assert "超期未化解" not in _disputes(Facts(figures, when="全年"))
    figures["prevention_dispute_overdue"]["value"] = "2"
    assert _disputes(Facts(figures, when="全年")).endswith("化解3件，化解率50%，截至期末超期未化解2件。")
