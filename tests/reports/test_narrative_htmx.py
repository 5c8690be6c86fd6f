"""The narrative editor in place on the draft (htmx); the separate page still works without JavaScript."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.audit.models import AuditEvent
from xinfang.reports.models import ReportNarrative
from xinfang.reports.services import narrative_save, report_generate

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def report(year, district, staff):
    return report_generate(actor=staff.statistician, kind="annual", office=district.office, start=date(2025, 1, 1),
                           end=date(2025, 12, 31))


def test_draft_links_edit_in_place_and_to_the_page(report, staff, client):
    client.force_login(staff.statistician)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    url = reverse("reports:narrative", args=[report.pk, "problems"])
    assert (f'<a href="{url}" hx-get="{url}" hx-target="#section-problems" hx-swap="outerHTML">撰写文字段落</a>'
            in page)


def test_htmx_get_returns_the_form_fragment_in_place_of_the_section(report, staff, client):
    narrative_save(actor=staff.reviewer, report=report, section="intake", text="畅通信访渠道。")
    client.force_login(staff.statistician)
    response = client.get(reverse("reports:narrative", args=[report.pk, "intake"]), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, no page around it
    assert '<section id="section-intake">' in html and "（二）畅通受理渠道" in html
    assert f'hx-post="{reverse("reports:narrative", args=[report.pk, "intake"])}"' in html
    assert 'id="id_intake_text"' in html and "畅通信访渠道。</textarea>" in html
    assert "csrfmiddlewaretoken" in html and "历次版本（1）" in html


def test_htmx_post_saves_a_version_and_swaps_the_section_back(report, staff, client):
    narrative_save(actor=staff.reviewer, report=report, section="problems", text="第一稿。")
    client.force_login(staff.statistician)
    url = reverse("reports:narrative", args=[report.pk, "problems"])
    response = client.post(url, {"text": "基层化解能力仍需提升。"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert '<section id="section-problems">' in html and '<p class="narrative">基层化解能力仍需提升。</p>' in html
    assert "文字段落已保存" in html and "<textarea" not in html
    assert list(ReportNarrative.objects.filter(report=report, section="problems").order_by("id")
                .values_list("text", "author__username")) == [("第一稿。", "r-reviewer"),
                                                               ("基层化解能力仍需提升。", "r-stat")]
    assert AuditEvent.objects.filter(action="report.narrative_saved").count() == 2
    page = client.get(url).content.decode()  # the page without JavaScript lists both versions
    assert "第一稿。" in page and "基层化解能力仍需提升。" in page


def test_htmx_post_refused_returns_the_form_with_the_message(report, staff, client):
    client.force_login(staff.statistician)
    response = client.post(reverse("reports:narrative", args=[report.pk, "plans"]), {"text": "  "}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "请填写文字段落" in html and "<textarea" in html
    assert not ReportNarrative.objects.exists()


def test_cancel_restores_the_section(report, staff, client):
    client.force_login(staff.statistician)
    url = reverse("reports:section", args=[report.pk, "intake"])
    html = client.get(url, **HX).content.decode()
    assert '<section id="section-intake">' in html and 'p class="generated"' in html and "<textarea" not in html
    response = client.get(url)  # without htmx: the draft at that section
    assert response.status_code == 302 and response["Location"].endswith("#section-intake")


def test_htmx_post_without_csrf_token_is_refused(report, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.statistician)
    response = client.post(reverse("reports:narrative", args=[report.pk, "problems"]), {"text": "x"}, **HX)
    assert response.status_code == 403
    assert not ReportNarrative.objects.exists()
    # with the header htmx sends (web/base.html: hx-headers X-CSRFToken) it is saved
    client.get(reverse("reports:detail", args=[report.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("reports:narrative", args=[report.pk, "problems"]), {"text": "x"},
                           HTTP_X_CSRFTOKEN=token, **HX)
    assert response.status_code == 200 and ReportNarrative.objects.get().text == "x"


def test_htmx_edit_refused_to_readers(report, staff, client):
    for user, status in ((staff.leader, 403), (staff.clerk, 403)):
        client.force_login(user)
        assert client.get(reverse("reports:narrative", args=[report.pk, "problems"]), **HX).status_code == status
        assert client.post(reverse("reports:narrative", args=[report.pk, "problems"]), {"text": "x"},
                           **HX).status_code == status
    client.force_login(staff.leader)
    assert client.get(reverse("reports:section", args=[report.pk, "intake"]), **HX).status_code == 200
    assert "撰写文字段落" not in client.get(reverse("reports:section", args=[report.pk, "intake"]), **HX).content.decode()
    assert not ReportNarrative.objects.exists()
