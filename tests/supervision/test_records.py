"""督办 and 三项建议 (issue 13): issue, answer, close; overdue; Art 30; who may answer; counts by kind; pages."""

import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.supervision.records import Recommendation, RecordStatus, Supervision
from xinfang.supervision.selectors_records import (
    recommendation_counts_by_kind,
    recommendations_overdue,
    supervision_counts_by_kind,
    supervision_letter_counts,
    supervisions_overdue,
)
from xinfang.supervision.services_records import (
    RecommendationInput,
    SupervisionError,
    SupervisionInput,
    recommendation_close,
    recommendation_follow_up,
    recommendation_issue,
    recommendation_reply,
    supervision_close,
    supervision_issue,
    supervision_letter_export,
    supervision_respond,
)


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_letter_issued_answered_and_closed(district, supervisor, heads, petition):
    record = supervision_issue(data=SupervisionInput(
        kind=Supervision.Kind.LETTER, letter_kind=Supervision.LetterKind.FORMAL, petition_id=petition.pk,
        target_org_id=district.township_a.pk, subject="拖欠农民工工资问题", requirements="查清欠薪数额\n督促支付",
        due_days=10), actor=supervisor)
    assert record.number == f"QXXF督〔{record.issued_on.year}〕1号"
    assert record.status == RecordStatus.OPEN and record.due_on > record.issued_on
    assert record.due_basis == "10个工作日"

    text = _docx_text(supervision_letter_export(supervision=record, actor=supervisor))
    assert "清溪区信访办" in text and "青石镇：" in text and "督办函" in text
    assert record.number in text and petition.number in text and "督促支付" in text

    supervision_respond(supervision_id=record.pk, response="已督促公司支付全部欠薪。", actor=heads["a"])
    record.refresh_from_db()
    assert record.status == RecordStatus.ANSWERED and record.responded_by == heads["a"]
    assert record.responded_on is not None

    supervision_close(supervision_id=record.pk, actor=supervisor, note="办理到位")
    record.refresh_from_db()
    assert record.status == RecordStatus.CLOSED and record.closed_by == supervisor
    actions = list(AuditEvent.objects.filter(target_id=str(record.pk), target_type="supervision.supervision")
                   .values_list("action", flat=True))
    assert actions == ["supervision.issue", "supervision.letter_download", "supervision.respond",
                       "supervision.close"]

    # numbered per office and year
    second = supervision_issue(data=SupervisionInput(kind=Supervision.Kind.PHONE, petition_id=petition.pk,
                                                     target_org_id=district.township_a.pk), actor=supervisor)
    assert second.number.endswith(f"〔{second.issued_on.year}〕2号")
    assert second.subject == f"信访件{petition.number}的办理"


def test_reminder_letter_template(district, supervisor):
    record = supervision_issue(data=SupervisionInput(
        kind=Supervision.Kind.LETTER, letter_kind=Supervision.LetterKind.REMINDER,
        target_org_id=district.department.pk, subject="欠薪案件办理进度滞后"), actor=supervisor)
    text = _docx_text(supervision_letter_export(supervision=record, actor=supervisor))
    assert "督办提醒函" in text and "清溪区人力社保局：" in text and "提醒你单位抓紧办理" in text


def test_only_the_addressed_units_head_answers(district, supervisor, heads, petition):
    record = supervision_issue(data=SupervisionInput(kind=Supervision.Kind.ON_SITE, petition_id=petition.pk,
                                                     target_org_id=district.township_a.pk), actor=supervisor)
    with pytest.raises(PermissionDenied):
        supervision_respond(supervision_id=record.pk, response="不是我们的事", actor=heads["b"])
    with pytest.raises(PermissionDenied):  # the unit's handler is not its head
        supervision_respond(supervision_id=record.pk, response="已办", actor=district.township_a_user)
    with pytest.raises(PermissionDenied):  # a head does not close
        supervision_close(supervision_id=record.pk, actor=heads["a"])
    with pytest.raises(SupervisionError):  # nothing to close before the answer
        supervision_close(supervision_id=record.pk, actor=supervisor)
    with pytest.raises(PermissionDenied):  # only supervisors issue
        supervision_issue(data=SupervisionInput(kind=Supervision.Kind.PHONE, petition_id=petition.pk),
                          actor=district.clerk)
    record.refresh_from_db()
    assert record.status == RecordStatus.OPEN and record.response == ""


def test_accusation_not_supervised_through_accused_unit(district, supervisor, category):
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    for target in (district.township_a, district.village_a1):
        with pytest.raises(SupervisionError, match="第三十条"):
            supervision_issue(data=SupervisionInput(kind=Supervision.Kind.LISTED, petition_id=accusation.pk,
                                                    target_org_id=target.pk), actor=supervisor)
    with pytest.raises(SupervisionError, match="第三十条"):
        recommendation_issue(data=RecommendationInput(
            kind=Recommendation.Kind.ACCOUNTABILITY, target_org_id=district.township_a.pk, subject="追责",
            content="建议追究有关人员责任", petition_ids=(accusation.pk,)), actor=supervisor)
    assert not Supervision.objects.exists() and not Recommendation.objects.exists()
    # addressed to another unit, it is allowed
    record = supervision_issue(data=SupervisionInput(kind=Supervision.Kind.LISTED, petition_id=accusation.pk,
                                                     target_org_id=district.county.pk), actor=supervisor)
    assert record.petition_id == accusation.pk


def test_recommendation_overdue_reply_then_closed(district, supervisor, heads, petition, client):
    long_ago = date.today() - timedelta(days=60)
    late = recommendation_issue(data=RecommendationInput(
        kind=Recommendation.Kind.IMPROVE_WORK, target_org_id=district.township_a.pk, subject="欠薪问题处置迟缓",
        content="建议建立欠薪预警机制", petition_ids=(petition.pk,), issued_on=long_ago,
        due_on=long_ago + timedelta(days=30)), actor=supervisor)
    on_time = recommendation_issue(data=RecommendationInput(
        kind=Recommendation.Kind.IMPROVE_POLICY, target_org_id=district.department.pk, subject="完善工资保证金",
        content="建议完善工资保证金制度"), actor=supervisor)
    assert on_time.due_basis == "30日" and on_time.due_on >= date.today() + timedelta(days=30)

    assert list(recommendations_overdue(user=supervisor)) == [late]
    assert list(recommendations_overdue(user=heads["a"])) == [late]
    assert late.is_overdue(date.today()) and not on_time.is_overdue(date.today())

    client.force_login(supervisor)
    page = client.get(reverse("supervision:records") + "?type=recommendation&state=overdue").content.decode()
    assert late.number in page and on_time.number not in page and "超期未答复" in page

    with pytest.raises(PermissionDenied):
        recommendation_reply(recommendation_id=late.pk, adoption="adopted", reply="采纳", actor=heads["b"])
    recommendation_reply(recommendation_id=late.pk, adoption=Recommendation.Adoption.PARTLY,
                         reply="已建立预警机制；专项资金因财力所限暂缓", actor=heads["a"])
    recommendation_follow_up(recommendation_id=late.pk, note="已核实预警机制运行", actor=supervisor)
    recommendation_close(recommendation_id=late.pk, actor=supervisor)
    late.refresh_from_db()
    assert late.status == RecordStatus.CLOSED and late.adoption == "partly" and late.answered_late()
    assert late.follow_ups.count() == 1
    assert not recommendations_overdue(user=supervisor).exists()


def test_supervision_overdue_selector(district, supervisor, petition):
    long_ago = date.today() - timedelta(days=20)
    record = supervision_issue(data=SupervisionInput(kind=Supervision.Kind.PHONE, petition_id=petition.pk,
                                                     target_org_id=district.township_a.pk, issued_on=long_ago),
                               actor=supervisor)
    assert record.due_basis == "3个工作日"
    assert list(supervisions_overdue(user=supervisor)) == [record]


def test_counts_by_kind(district, supervisor, petition):
    for kind, letter in ((Supervision.Kind.PHONE, ""), (Supervision.Kind.PHONE, ""),
                         (Supervision.Kind.LETTER, Supervision.LetterKind.REMINDER),
                         (Supervision.Kind.LISTED, "")):
        supervision_issue(data=SupervisionInput(kind=kind, letter_kind=letter, petition_id=petition.pk,
                                                target_org_id=district.township_a.pk), actor=supervisor)
    recommendation_issue(data=RecommendationInput(kind=Recommendation.Kind.ACCOUNTABILITY,
                                                  target_org_id=district.township_b.pk, subject="追责",
                                                  content="建议追责"), actor=supervisor)
    assert supervision_counts_by_kind(user=supervisor) == {"phone": 2, "letter": 1, "on_site": 0, "listed": 1}
    assert supervision_letter_counts(user=supervisor) == {"reminder": 1, "formal": 0}
    assert recommendation_counts_by_kind(user=supervisor) == {"improve_work": 0, "improve_policy": 0,
                                                              "accountability": 1}
    # a unit sees only what was addressed to it
    assert supervision_counts_by_kind(user=district.township_b_user)["phone"] == 0
    tomorrow = date.today() + timedelta(days=1)
    assert sum(supervision_counts_by_kind(user=supervisor, start=tomorrow).values()) == 0


def test_pages_issue_answer_close(district, supervisor, heads, petition, client):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:index")).status_code == 200
    form = client.get(reverse("supervision:supervision-new") + f"?petition={petition.pk}")
    assert form.status_code == 200 and petition.number in form.content.decode()
    response = client.post(reverse("supervision:supervision-new"), {
        "kind": "letter", "letter_kind": "formal", "petition": petition.pk, "target_org": district.township_a.pk,
        "subject": "欠薪问题", "requirements": "限期办结", "due_days": "5"})
    record = Supervision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:supervision-detail",
                                                                             args=[record.pk])
    letter = client.get(reverse("supervision:supervision-letter", args=[record.pk]))
    assert letter.status_code == 200 and "青石镇" in _docx_text(b"".join(letter.streaming_content))

    client.force_login(heads["b"])
    assert client.get(reverse("supervision:supervision-detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("supervision:supervision-respond", args=[record.pk]),
                       {"response": "x"}).status_code == 404

    client.force_login(heads["a"])
    detail = client.get(reverse("supervision:supervision-detail", args=[record.pk])).content.decode()
    assert 'id="respond-form"' in detail and 'id="close-form"' not in detail
    client.post(reverse("supervision:supervision-respond", args=[record.pk]), {"response": "已办结"})
    record.refresh_from_db()
    assert record.status == RecordStatus.ANSWERED

    client.force_login(supervisor)
    detail = client.get(reverse("supervision:supervision-detail", args=[record.pk])).content.decode()
    assert 'id="close-form"' in detail and 'id="respond-form"' not in detail and "已办结" in detail
    client.post(reverse("supervision:supervision-close", args=[record.pk]), {"note": "好"})
    record.refresh_from_db()
    assert record.status == RecordStatus.CLOSED
    listing = client.get(reverse("supervision:records") + "?state=closed&kind=letter").content.decode()
    assert record.number in listing


def test_pages_refuse_accusation_to_accused_unit(district, supervisor, category, client):
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    client.force_login(supervisor)
    response = client.post(reverse("supervision:supervision-new"), {
        "kind": "phone", "petition": accusation.pk, "target_org": district.township_a.pk, "subject": "x"})
    assert response.status_code == 200 and "第三十条" in response.content.decode()
    assert not Supervision.objects.exists()


def test_letter_template_is_generated_from_the_script():
    script = Path(__file__).resolve().parents[2] / "scripts" / "make_supervision_templates.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_recommendation_pages(district, supervisor, heads, client):
    client.force_login(supervisor)
    response = client.post(reverse("supervision:recommendation-new"), {
        "kind": "improve_policy", "target_org": district.department.pk, "subject": "完善工资保证金制度",
        "content": "建议完善工资保证金制度", "petition_numbers": "QXXF-2099-999999"})
    assert response.status_code == 200 and "找不到信访件" in response.content.decode()
    response = client.post(reverse("supervision:recommendation-new"), {
        "kind": "improve_policy", "target_org": district.department.pk, "subject": "完善工资保证金制度",
        "content": "建议完善工资保证金制度", "due_days": "20"})
    record = Recommendation.objects.get()
    assert response.status_code == 302 and record.due_basis == "20个工作日"
    head = user_create(username="renshe-head", password="pw-123456", org=district.department,
                       roles=[Role.HANDLING_ORG_HEAD])
    client.force_login(heads["a"])
    assert client.get(reverse("supervision:recommendation-detail", args=[record.pk])).status_code == 404
    client.force_login(head)
    page = client.get(reverse("supervision:recommendation-detail", args=[record.pk])).content.decode()
    assert 'id="reply-form"' in page
    client.post(reverse("supervision:recommendation-reply", args=[record.pk]),
                {"adoption": "not_adopted", "reply": "财力不足，暂不采纳"})
    record.refresh_from_db()
    assert record.adoption == "not_adopted" and record.status == RecordStatus.ANSWERED
    listing = client.get(reverse("supervision:records") + "?type=recommendation").content.decode()
    assert record.number in listing and "已答复待办结" in listing


def test_the_case_page_lists_the_matters_supervisions_for_those_who_see_them(district, supervisor, heads, petition,
                                                                            client):
    supervision_issue(data=SupervisionInput(kind=Supervision.Kind.PHONE, target_org_id=district.township_a.pk,
                                            petition_id=petition.pk, subject="催办", requirements="尽快办结"),
                      actor=supervisor)
    client.force_login(supervisor)
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert 'id="supervision-panel"' in page and "电话督办" in page
    assert f"/supervision/records/supervision/new/?petition={petition.pk}" in page  # the supervisor issues
    client.force_login(heads["a"])
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "电话督办" in page and "/supervision/records/supervision/new/" not in page  # the unit reads it
