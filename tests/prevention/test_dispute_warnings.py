"""超期 warnings of the prevention ledgers, raised by the periodic deadline scan (notifications.record_warnings):
a 矛盾纠纷 past its 化解期限 not settled, a 问题清单 item past its 限时销号日期, a 积案 past its 化解期限 — once per record
and due date, to the responsible unit's heads, the nearest petition office's 督查督办员 (and a 积案's 包案领导)."""

from datetime import date

import pytest

from xinfang.audit.models import AuditEvent
from xinfang.notifications.models import Notification, RecordWarning
from xinfang.notifications.record_warnings import record_warnings_scan
from xinfang.notifications.services import deadlines_scan, notification_url
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.prevention.services_backlog import CaseInput, ProblemInput, case_create, problem_create, problem_strike_off
from xinfang.prevention.services_disputes import (
    SettlementInput,
    dispute_create,
    dispute_report_settlement,
    dispute_update,
    dispute_verify,
)
from tests.prevention.conftest import dispute_input

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 12, 2)


@pytest.fixture
def heads(district, people):
    city = org_create(name="滨江市人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.CITY, region_code="500100")
    city_office = org_create(name="滨江市信访局", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.CITY, parent=city)
    inactive = user_create(username="qingshi-old-head", password="pw-123456", org=district.township_a,
                           roles=[Role.HANDLING_ORG_HEAD])
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return dict(
        qingshi=user_create(username="qingshi-head", password="pw-123456", org=district.township_a,
                            roles=[Role.HANDLING_ORG_HEAD]),
        baisha=user_create(username="baisha-head", password="pw-123456", org=district.township_b,
                           roles=[Role.HANDLING_ORG_HEAD]),
        supervisor=user_create(username="duban", password="pw-123456", org=district.office,
                               roles=[Role.SUPERVISOR]),
        city_supervisor=user_create(username="city-duban", password="pw-123456", org=city_office,
                                    roles=[Role.SUPERVISOR]),
        leader=user_create(username="baoan", password="pw-123456", org=district.county, roles=[Role.LEADER]),
    )


@pytest.fixture
def overdue(district, people, heads):
    a, b, reviewer = people.township_a, people.township_b, people.office_reviewer
    made = dict(
        late=dispute_create(data=dispute_input(locality=district.township_a, deadline=date(2026, 11, 30)), actor=a),
        reported=dispute_create(data=dispute_input(locality=district.township_b, deadline=date(2026, 11, 1)),
                                actor=b),
        settled=dispute_create(data=dispute_input(locality=district.township_b, deadline=date(2026, 11, 1)),
                               actor=b),
        due_today=dispute_create(data=dispute_input(locality=district.township_a, deadline=TODAY), actor=a),
        no_deadline=dispute_create(data=dispute_input(locality=district.township_a, deadline=None), actor=a),
        problem=problem_create(data=ProblemInput(summary="城南安置房漏水", responsible_person="王主任",
                                                 responsible_org_id=district.township_a.pk,
                                                 listed_on=date(2026, 9, 1), due_on=date(2026, 11, 15)), actor=a),
        struck=problem_create(data=ProblemInput(summary="路灯不亮", responsible_person="王主任",
                                                responsible_org_id=district.township_a.pk,
                                                listed_on=date(2026, 9, 1), due_on=date(2026, 11, 15)), actor=a),
        case=case_create(data=CaseInput(summary="白沙镇采石场补偿", source="screened", assigned_on=date(2026, 6, 1),
                                        responsible_org_id=district.township_b.pk, leader_id=heads["leader"].pk,
                                        due_on=date(2026, 10, 31)), actor=b),
    )
    for key in ("reported", "settled"):
        dispute_report_settlement(dispute_id=made[key].pk, actor=b, data=SettlementInput(
            outcome="settled", settled_on=date(2026, 10, 20), method="mediation"))
    dispute_verify(dispute_id=made["settled"].pk, approve=True, actor=reviewer)
    problem_strike_off(item_id=made["struck"].pk, struck_off_on=date(2026, 11, 1), note="已修复", actor=reviewer)
    return made


def notified(record):
    return sorted(n.recipient.username for n in Notification.objects.filter(
        record_warning__record_id=record.pk, record_warning__number=record.number))


def test_the_scan_warns_each_overdue_record_once_and_the_right_people(overdue, heads):
    first = record_warnings_scan(today=TODAY)
    second = record_warnings_scan(today=TODAY)
    assert first == (4, 9) and second == (0, 0)
    assert sorted(RecordWarning.objects.values_list("kind", flat=True)) == [
        "backlog", "dispute", "dispute", "problem"]
    # the unit's (active) heads and the county office's supervisor; not the city's office above it
    assert notified(overdue["late"]) == ["duban", "qingshi-head"]
    assert notified(overdue["reported"]) == ["baisha-head", "duban"]  # awaiting verification is not 化解 yet
    assert notified(overdue["problem"]) == ["duban", "qingshi-head"]
    assert notified(overdue["case"]) == ["baisha-head", "baoan", "duban"]  # with the 包案领导
    for key in ("settled", "due_today", "no_deadline", "struck"):
        assert not RecordWarning.objects.filter(number=overdue[key].number).exists(), key
    assert AuditEvent.objects.filter(action="notifications.record_warning_raised").count() == 4


def test_the_warning_says_what_is_late_and_links_to_the_record(overdue, heads):
    record_warnings_scan(today=TODAY)
    note = Notification.objects.get(record_warning__number=overdue["late"].number, recipient=heads["qingshi"])
    assert note.title == f"【超期】{overdue['late'].number} 矛盾纠纷"
    assert note.body == (f"矛盾纠纷 {overdue['late'].number}（青石镇）的期限已于 2026-11-30 届满，已超期 2 天，"
                         "尚未化解，请及时办理。")
    assert notification_url(note) == f"/prevention/disputes/{overdue['late'].pk}/"
    case_note = Notification.objects.get(record_warning__number=overdue["case"].number, recipient=heads["leader"])
    assert notification_url(case_note) == f"/prevention/backlog/{overdue['case'].pk}/"
    assert case_note.title == f"【超期】{overdue['case'].number}"  # "积案〔2026〕N号": the ledger is named once


def test_the_notification_list_links_each_warning_to_its_record(overdue, heads, client):
    record_warnings_scan(today=TODAY)
    client.force_login(heads["leader"])
    page = client.get("/notifications/").content.decode()
    assert f'<a href="/prevention/backlog/{overdue["case"].pk}/">【超期】{overdue["case"].number}</a>' in page


def test_a_deadline_moved_later_is_warned_again_when_it_passes(overdue, heads, people, district):
    record_warnings_scan(today=TODAY)
    late = overdue["late"]
    dispute_update(dispute_id=late.pk, data=dispute_input(locality=district.township_a, deadline=date(2026, 12, 20)),
                   actor=people.township_a)
    assert record_warnings_scan(today=TODAY) == (0, 0)  # the new deadline has not passed
    # on 12-21: the moved one and the one due on 12-02 (past by then), each to 青石镇's head and the office
    assert record_warnings_scan(today=date(2026, 12, 21)) == (2, 4)
    assert RecordWarning.objects.filter(number=late.number).count() == 2


def test_the_periodic_deadline_scan_raises_them(overdue, heads):
    result = deadlines_scan(today=TODAY)
    assert result.warnings >= 4
    assert RecordWarning.objects.filter(kind="dispute").count() == 2
