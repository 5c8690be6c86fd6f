"""约谈, 限期整改 and 通报 (issue 13): who may act, Art 30, numbering, due dates, overdue, 验收, circulars, Word."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.calendars.models import OrgCalendarDay
from xinfang.calendars.services import org_calendar_day_set
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.supervision.accountability import Circular, Rectification
from xinfang.supervision.records import RecordSequence, RecordStatus
from xinfang.supervision.selectors_accountability import (
    circular_counts_by_kind,
    circulars_visible_to,
    rectification_counts_by_kind,
    rectifications_overdue,
    rectifications_visible_to,
)
from xinfang.supervision.services_accountability import (
    RectificationInput,
    rectification_check,
    rectification_close,
    rectification_follow_up,
    rectification_issue,
    rectification_report,
)
from xinfang.supervision.services_circulars import (
    CircularInput,
    circular_correct,
    circular_document_export,
    circular_draft_create,
    circular_draft_update,
    circular_issue,
)
from xinfang.supervision.services_records import SupervisionError


@pytest.fixture
def accusation(district, category):
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    return petition


def _interview(district, **overrides) -> RectificationInput:
    values = dict(kind=Rectification.Kind.INTERVIEW, target_org_id=district.township_a.pk,
                  subject="欠薪问题化解不力", content="群众反映欠薪问题长期未解决，镇里处置迟缓。",
                  interviewees="王某某，青石镇镇长\n李某某，青石镇副镇长", held_on=date(2026, 11, 2),
                  requirements="一个月内化解到位")
    values.update(overrides)
    return RectificationInput(**values)


def _order(district, **overrides) -> RectificationInput:
    values = dict(kind=Rectification.Kind.ORDER, target_org_id=district.township_a.pk, subject="信访事项办理超期",
                  content="一、3件信访事项超期未办结\n二、答复意见书未送达", issued_on=date(2026, 11, 2))
    values.update(overrides)
    return RectificationInput(**values)


def _actions(record) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(record.pk), target_type=record._meta.label_lower)
                .order_by("id").values_list("action", flat=True))


def _docx_text(data: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)


# --- 约谈 and 限期整改 -----------------------------------------------------------------------------

def test_interview_recorded_reported_by_the_units_head_and_closed(district, supervisor, heads, petition):
    record = rectification_issue(data=_interview(district, petition_ids=(petition.pk,)), actor=supervisor)
    assert record.number == f"QXXF约〔{record.issued_on.year}〕1号"
    assert record.due_basis == "15个工作日" and record.due_on > record.held_on
    assert list(record.petitions.all()) == [petition]

    with pytest.raises(PermissionDenied):  # another township's head
        rectification_report(rectification_id=record.pk, report="已整改", actor=heads["b"])
    with pytest.raises(PermissionDenied):  # the unit's handler is not its head
        rectification_report(rectification_id=record.pk, report="已整改", actor=district.township_a_user)
    with pytest.raises(PermissionDenied):  # a head does not follow up or close
        rectification_follow_up(rectification_id=record.pk, note="催办", actor=heads["a"])
    with pytest.raises(SupervisionError):  # nothing to close before the report
        rectification_close(rectification_id=record.pk, actor=supervisor)
    record.refresh_from_db()
    assert record.status == RecordStatus.OPEN and not record.entries.exists()

    rectification_follow_up(rectification_id=record.pk, note="电话督促镇政府", actor=supervisor)
    rectification_report(rectification_id=record.pk, report="已督促公司支付欠薪，建立台账。", actor=heads["a"])
    rectification_close(rectification_id=record.pk, actor=supervisor, note="整改到位")
    record.refresh_from_db()
    assert record.status == RecordStatus.CLOSED and record.responded_by == heads["a"]
    assert [entry.kind for entry in record.entries.all()] == ["follow_up", "report"]
    assert _actions(record) == ["rectification.issue", "rectification.follow_up", "rectification.report",
                                "rectification.close"]


@pytest.mark.parametrize("kind", [Rectification.Kind.INTERVIEW, Rectification.Kind.ORDER])
def test_only_a_supervisor_of_a_petition_office_issues(district, heads, kind):
    make = _interview if kind == Rectification.Kind.INTERVIEW else _order
    for actor in (district.clerk, district.township_a_user, heads["b"]):
        with pytest.raises(PermissionDenied):
            rectification_issue(data=make(district), actor=actor)
    assert not Rectification.objects.exists()


def test_order_due_in_working_days_across_a_rest_day_and_a_failed_check_keeps_it_open(district, supervisor,
                                                                                       heads):
    # Monday 2 November 2026 + 5 working days is Monday 9 November; a local rest day on Wednesday 4th moves it.
    org_calendar_day_set(org=district.county, day=date(2026, 11, 4), kind=OrgCalendarDay.Kind.REST,
                         name="地方休息日", actor=None)
    order = rectification_issue(data=_order(district, due_days=5), actor=supervisor)
    assert order.number == "QXXF改〔2026〕1号"
    assert order.due_on == date(2026, 11, 10) and order.due_basis == "5个工作日"
    # the two kinds are numbered apart
    assert rectification_issue(data=_interview(district), actor=supervisor).number == "QXXF约〔2026〕1号"

    rectification_report(rectification_id=order.pk, report="已办结2件", actor=heads["a"],
                         reported_on=date(2026, 11, 9))
    with pytest.raises(SupervisionError, match="验收"):  # an order closes only once checked and passed
        rectification_close(rectification_id=order.pk, actor=supervisor)

    rectification_check(rectification_id=order.pk, passed=False, note="仍有1件超期未办结", due_days=3,
                        actor=supervisor)
    order.refresh_from_db()
    assert order.status == RecordStatus.OPEN and order.responded_on is None
    assert order.due_on > date.today() and order.due_basis == "验收未通过，重新整改：3个工作日"
    check = order.last_check()
    assert check.passed is False and check.due_on_before == date(2026, 11, 10) and check.due_on_after == order.due_on
    with pytest.raises(SupervisionError):
        rectification_close(rectification_id=order.pk, actor=supervisor)

    rectification_report(rectification_id=order.pk, report="3件均已办结并送达", actor=heads["a"])
    rectification_check(rectification_id=order.pk, passed=True, note="验收合格", actor=supervisor)
    with pytest.raises(SupervisionError):  # passed once is enough
        rectification_check(rectification_id=order.pk, passed=True, note="再验一次", actor=supervisor)
    rectification_close(rectification_id=order.pk, actor=supervisor)
    order.refresh_from_db()
    assert order.status == RecordStatus.CLOSED
    assert [(e.kind, e.passed) for e in order.entries.all()] == [
        ("report", None), ("check", False), ("report", None), ("check", True)]


def test_overdue_when_the_report_is_past_due_and_not_submitted(district, supervisor, heads, client):
    late = rectification_issue(data=_order(district, due_on=date(2026, 11, 20)), actor=supervisor)
    on_time = rectification_issue(data=_order(district, issued_on=None, target_org_id=district.township_b.pk),
                                  actor=supervisor)
    assert on_time.due_basis == "20个工作日"
    today = date(2026, 11, 25)
    assert list(rectifications_overdue(user=supervisor, today=today)) == [late]
    assert list(rectifications_overdue(user=heads["a"], today=today)) == [late]
    assert not rectifications_overdue(user=heads["b"], today=today).exists()

    client.force_login(supervisor)
    page = client.get(reverse("supervision:rectifications") + "?state=overdue").content.decode()
    assert late.number in page and on_time.number not in page and "超期未报送" in page

    rectification_report(rectification_id=late.pk, report="已整改", actor=heads["a"])
    assert not rectifications_overdue(user=supervisor, today=today).exists()
    late.refresh_from_db()
    assert late.answered_late()
    assert rectification_counts_by_kind(user=supervisor) == {"interview": 0, "order": 2}
    assert rectification_counts_by_kind(user=heads["b"]) == {"interview": 0, "order": 1}


def test_art_30_an_accusation_is_never_put_to_the_accused_unit(district, supervisor, accusation):
    for target in (district.township_a, district.village_a1):
        with pytest.raises(SupervisionError, match="第三十条"):
            rectification_issue(data=_interview(district, target_org_id=target.pk, petition_ids=(accusation.pk,)),
                                actor=supervisor)
    assert not Rectification.objects.exists()
    assert not RecordSequence.objects.exists()  # not even a number was taken
    assert not AuditEvent.objects.filter(action__startswith="rectification.").exists()
    # to another unit (the county government above it) it is allowed
    record = rectification_issue(data=_order(district, target_org_id=district.county.pk,
                                             petition_ids=(accusation.pk,)), actor=supervisor)
    assert list(record.petitions.all()) == [accusation]


def test_pages_issue_report_check(district, supervisor, heads, petition, client):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:index")).status_code == 200
    response = client.post(reverse("supervision:rectification-new", args=["interview"]), {
        "target_org": district.township_a.pk, "interviewees": "王某某，镇长", "held_on": "2026-11-02",
        "subject": "欠薪问题化解不力", "content": "处置迟缓", "petition_numbers": "QXXF-2099-999999"})
    assert response.status_code == 200 and "找不到信访件" in response.content.decode()
    response = client.post(reverse("supervision:rectification-new", args=["interview"]), {
        "target_org": district.township_a.pk, "interviewees": "王某某，镇长", "held_on": "2026-11-02",
        "subject": "欠薪问题化解不力", "content": "处置迟缓", "petition_numbers": petition.number, "due_days": "10"})
    record = Rectification.objects.get()
    assert response.status_code == 302 and record.due_basis == "10个工作日"
    assert record.interviewees == "王某某，镇长"

    client.force_login(heads["b"])
    assert client.get(reverse("supervision:rectification-detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("supervision:rectification-report", args=[record.pk]),
                       {"report": "x"}).status_code == 404
    assert client.get(reverse("supervision:rectification-new", args=["order"])).status_code == 403

    client.force_login(heads["a"])
    page = client.get(reverse("supervision:rectification-detail", args=[record.pk])).content.decode()
    assert 'id="report-form"' in page and 'id="check-form"' not in page and "王某某，镇长" in page
    client.post(reverse("supervision:rectification-report", args=[record.pk]), {"report": "已化解"})

    client.force_login(supervisor)
    page = client.get(reverse("supervision:rectification-detail", args=[record.pk])).content.decode()
    assert 'id="check-form"' in page and 'id="close-form"' in page and "已化解" in page
    client.post(reverse("supervision:rectification-check", args=[record.pk]),
                {"passed": "no", "note": "群众仍不满意", "due_days": "5"})
    record.refresh_from_db()
    assert record.status == RecordStatus.OPEN and record.due_basis == "验收未通过，重新整改：5个工作日"


# --- 通报 -------------------------------------------------------------------------------------------

def _circular(district, **overrides) -> CircularInput:
    values = dict(kind=Circular.Kind.CRITICISM, title="关于青石镇信访事项办理不及时的通报",
                  body="经查，青石镇多件信访事项超期未办结。\n请各单位引以为戒。",
                  unit_ids=(district.township_a.pk,))
    values.update(overrides)
    return CircularInput(**values)


def test_circular_numbered_when_issued_immutable_and_corrected_by_revocation(district, supervisor, petition):
    draft = circular_draft_create(data=_circular(district), actor=supervisor)
    assert draft.status == Circular.Status.DRAFT and draft.number == ""
    circular_draft_update(circular_id=draft.pk, data=_circular(
        district, unit_ids=(district.township_a.pk, district.township_b.pk), petition_ids=(petition.pk,)),
        actor=supervisor)
    issued = circular_issue(circular_id=draft.pk, actor=supervisor)
    year = issued.issued_on.year
    assert issued.number == f"QXXF通〔{year}〕1号" and issued.status == Circular.Status.ISSUED

    with pytest.raises(SupervisionError, match="已印发"):
        circular_draft_update(circular_id=issued.pk, data=_circular(district, title="改过的标题"), actor=supervisor)
    with pytest.raises(SupervisionError):
        circular_issue(circular_id=issued.pk, actor=supervisor)
    issued.refresh_from_db()
    assert issued.title == "关于青石镇信访事项办理不及时的通报" and issued.number == f"QXXF通〔{year}〕1号"

    correction = circular_correct(circular_id=issued.pk, actor=supervisor)
    assert correction.revokes == issued and correction.is_draft
    with pytest.raises(SupervisionError, match="更正稿"):
        circular_correct(circular_id=issued.pk, actor=supervisor)
    circular_draft_update(circular_id=correction.pk, data=_circular(district, body="经复核，白沙镇不在通报之列。"),
                          actor=supervisor)
    circular_issue(circular_id=correction.pk, actor=supervisor)
    issued.refresh_from_db()
    correction.refresh_from_db()
    assert correction.number == f"QXXF通〔{year}〕2号"
    assert issued.status == Circular.Status.REVOKED and issued.revoked_on == correction.issued_on
    assert Circular.objects.count() == 2
    assert _actions(issued) == ["circular.draft", "circular.edit", "circular.issue", "circular.revoke"]
    assert circular_counts_by_kind(user=supervisor) == {"criticism": 1, "commendation": 0}

    first = _docx_text(circular_document_export(circular=issued, actor=supervisor))
    assert "清溪区信访办" in first and issued.number in first and "青石镇、白沙镇：" in first
    assert petition.number in first and "超期未办结" in first
    second = _docx_text(circular_document_export(circular=correction, actor=supervisor))
    assert correction.number in second and f"本通报印发之日起，{issued.number}通报同时撤销。" in second
    assert "白沙镇" in second and "青石镇：" in second


def test_circular_refuses_to_name_an_accusation_and_changes_nothing(district, supervisor, petition, accusation):
    with pytest.raises(SupervisionError, match="第三十条"):
        circular_draft_create(data=_circular(district, unit_ids=(district.township_b.pk,),
                                             petition_ids=(accusation.pk,)), actor=supervisor)
    assert not Circular.objects.exists()
    draft = circular_draft_create(data=_circular(district, petition_ids=(petition.pk,)), actor=supervisor)
    with pytest.raises(SupervisionError, match="第三十条"):
        circular_draft_update(circular_id=draft.pk, actor=supervisor,
                              data=_circular(district, petition_ids=(petition.pk, accusation.pk)))
    assert list(draft.petitions.all()) == [petition]
    # reclassified as an accusation after the draft: the issue is refused, nothing numbered
    petition.petition_type, petition.complained_org = PetitionType.ACCUSATION, district.township_b
    petition.save()
    with pytest.raises(SupervisionError, match="第三十条"):
        circular_issue(circular_id=draft.pk, actor=supervisor)
    draft.refresh_from_db()
    assert draft.is_draft and not RecordSequence.objects.exists()


def test_circular_who_may_issue_and_who_sees_it(district, supervisor, heads, client):
    for actor in (heads["a"], district.clerk, district.township_a_user):
        with pytest.raises(PermissionDenied):
            circular_draft_create(data=_circular(district), actor=actor)
    other_county = org_create(name="白水县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY,
                              region_code="500198")
    other_office = org_create(name="白水县信访局", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY,
                              parent=other_county, number_prefix="BSXF")
    stranger = user_create(username="baishui", password="pw-123456", org=other_office, roles=[Role.SUPERVISOR])
    with pytest.raises(SupervisionError, match="范围"):  # a unit outside the office's scope
        circular_draft_create(data=_circular(district), actor=stranger)

    draft = circular_draft_create(data=_circular(district), actor=supervisor)
    assert list(circulars_visible_to(user=heads["a"])) == []  # a draft stays in the office
    with pytest.raises(PermissionDenied):
        circular_issue(circular_id=draft.pk, actor=stranger)
    circular_issue(circular_id=draft.pk, actor=supervisor)
    assert list(circulars_visible_to(user=heads["a"])) == [draft]  # named
    assert list(circulars_visible_to(user=heads["b"])) == [draft]  # in the office's scope
    assert list(circulars_visible_to(user=stranger)) == []

    client.force_login(heads["a"])
    page = client.get(reverse("supervision:circular-detail", args=[draft.pk])).content.decode()
    assert "关于青石镇信访事项办理不及时的通报" in page and 'id="issue-form"' not in page
    assert 'id="correct-form"' not in page
    assert client.post(reverse("supervision:circular-correct", args=[draft.pk])).status_code == 302
    assert Circular.objects.count() == 1
    client.force_login(stranger)
    assert client.get(reverse("supervision:circular-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("supervision:circular-document", args=[draft.pk])).status_code == 404


def test_circular_list_filters(district, supervisor, client):
    criticism = circular_issue(circular_id=circular_draft_create(data=_circular(district), actor=supervisor).pk,
                               actor=supervisor)
    praise = circular_issue(circular_id=circular_draft_create(data=_circular(
        district, kind=Circular.Kind.COMMENDATION, title="关于表扬白沙镇化解积案的通报",
        unit_ids=(district.township_b.pk,)), actor=supervisor).pk, actor=supervisor)
    client.force_login(supervisor)
    url = reverse("supervision:circulars")
    page = client.get(url + "?kind=commendation").content.decode()
    assert praise.number in page and criticism.number not in page
    page = client.get(url + f"?unit={district.township_a.pk}").content.decode()
    assert criticism.number in page and praise.number not in page
    page = client.get(url + f"?year={criticism.year - 1}").content.decode()
    assert criticism.number not in page and praise.number not in page


def test_a_record_about_a_case_the_user_cannot_see_is_invisible(district, supervisor, heads, petition, client):
    # The case lies in 青石镇; 白沙镇 cannot see it, so it cannot see an order that names it either.
    named = rectification_issue(data=_order(district, target_org_id=district.township_b.pk,
                                            petition_ids=(petition.pk,)), actor=supervisor)
    plain = rectification_issue(data=_order(district, target_org_id=district.township_b.pk), actor=supervisor)
    assert list(rectifications_visible_to(user=heads["b"])) == [plain]
    assert set(rectifications_visible_to(user=supervisor)) == {named, plain}
    client.force_login(heads["b"])
    assert client.get(reverse("supervision:rectification-detail", args=[named.pk])).status_code == 404
