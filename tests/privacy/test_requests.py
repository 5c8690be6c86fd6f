"""Access, correction and deletion requests (PIPL Arts 44–47): received by the office's staff, decided by its
审核员 within 15 working days, a correction versioned with the old value encrypted."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.conftest import ID_LI, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions import crypto
from xinfang.petitions.models import Channel, PetitionType, Petitioner
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.privacy import services
from xinfang.privacy.models import Anonymisation, DataRequest, PetitionerCorrection
from xinfang.privacy.selectors import petitioner_export_rows, requests_overdue, requests_visible_to


@pytest.fixture
def petition(district, category, notice):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


@pytest.fixture
def petitioner(petition) -> Petitioner:
    return petition.parties.get().petitioner


def receive(actor, petitioner, **overrides) -> DataRequest:
    values = dict(petitioner_id=petitioner.pk, kind=DataRequest.Kind.ACCESS, received_on=date(2026, 11, 2),
                  channel=Channel.LETTER, asked="请求复制本人的信访登记信息")
    values.update(overrides)
    return services.request_receive(data=services.RequestInput(**values), actor=actor)


def test_a_request_is_due_fifteen_working_days_after_receipt(district, petitioner):
    # when: received Monday 2 November 2026 (no holiday in November)
    request = receive(district.clerk, petitioner)
    # then: 3–6, 9–13, 16–20 and 23 November are the 15 working days
    assert request.due_on == date(2026, 11, 23)
    assert request.number == "个信申〔2026〕1号"
    assert AuditEvent.objects.filter(action="privacy.request_receive", target_id=str(request.pk)).exists()


def test_a_request_received_in_the_future_is_refused_and_nothing_saved(district, petitioner):
    with pytest.raises(ValidationError) as error:
        receive(district.clerk, petitioner, received_on=date(2099, 1, 4))
    assert error.value.message_dict["received_on"] == ["收到日期不能晚于今天"]
    assert DataRequest.objects.count() == 0


def test_a_correction_request_needs_a_new_value_and_a_valid_phone(district, petitioner):
    with pytest.raises(ValidationError) as error:
        receive(district.clerk, petitioner, kind=DataRequest.Kind.CORRECTION, new_phone="12")
    assert "new_phone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        receive(district.clerk, petitioner, kind=DataRequest.Kind.CORRECTION)
    assert error.value.message_dict["new_name"] == ["更正申请须填写至少一项更正后的信息"]
    assert DataRequest.objects.count() == 0


def test_only_the_offices_staff_receive_requests(district, petitioner):
    with pytest.raises(PermissionDenied):
        receive(district.township_a_user, petitioner)
    assert DataRequest.objects.count() == 0


def test_only_the_offices_reviewer_decides(district, petitioner, reviewer):
    # given
    request = receive(district.clerk, petitioner)
    # when / then
    with pytest.raises(PermissionDenied):
        services.request_decide(request_id=request.pk, grant=True, reason="依法同意", actor=district.clerk)
    request.refresh_from_db()
    assert request.status == DataRequest.Status.RECEIVED


def test_a_decision_needs_a_reason(district, petitioner, reviewer):
    request = receive(district.clerk, petitioner)
    with pytest.raises(ValidationError) as error:
        services.request_decide(request_id=request.pk, grant=False, reason=" ", actor=reviewer)
    assert error.value.message_dict["reason"] == ["请填写决定理由"]


def test_a_granted_correction_changes_the_petitioner_and_keeps_the_old_value_encrypted(district, petitioner,
                                                                                       reviewer):
    # given
    request = receive(district.clerk, petitioner, kind=DataRequest.Kind.CORRECTION, new_phone="13900002222",
                      new_address="清溪区青石镇桃源村5组", asked="电话和住址已变更")
    # when
    services.request_decide(request_id=request.pk, grant=True, reason="核实无误", actor=reviewer,
                            answered_on=date(2026, 11, 20))
    # then
    petitioner.refresh_from_db()
    assert (petitioner.phone, petitioner.address) == ("13900002222", "清溪区青石镇桃源村5组")
    assert petitioner.phone_index == crypto.blind_index("13900002222")
    corrections = {c.field: (c.old_value, c.new_value) for c in PetitionerCorrection.objects.all()}
    assert corrections == {"phone": ("13812345678", "13900002222"),
                           "address": ("清溪区青石镇桃源村3组", "清溪区青石镇桃源村5组")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT old_value FROM privacy_petitionercorrection")
        stored = [row[0] for row in cursor.fetchall()]
    assert all("1381234" not in value and "桃源村" not in value for value in stored)
    assert AuditEvent.objects.filter(action="petitioner.correct", target_id=str(petitioner.pk)).exists()


def test_a_refused_correction_changes_nothing(district, petitioner, reviewer):
    request = receive(district.clerk, petitioner, kind=DataRequest.Kind.CORRECTION, new_name="张三")
    services.request_decide(request_id=request.pk, grant=False, reason="与身份证件不符", actor=reviewer)
    petitioner.refresh_from_db()
    assert petitioner.name == "张小三"
    assert PetitionerCorrection.objects.count() == 0


def test_a_request_is_decided_once(district, petitioner, reviewer):
    request = receive(district.clerk, petitioner)
    services.request_decide(request_id=request.pk, grant=True, reason="同意", actor=reviewer)
    with pytest.raises(ValidationError):
        services.request_decide(request_id=request.pk, grant=False, reason="改为不同意", actor=reviewer)


def test_deletion_is_refused_while_a_matter_is_open(district, petitioner, reviewer):
    request = receive(district.clerk, petitioner, kind=DataRequest.Kind.DELETION, asked="请删除我的信息")
    with pytest.raises(ValidationError) as error:
        services.request_decide(request_id=request.pk, grant=True, reason="同意", actor=reviewer)
    assert "未办结" in error.value.message_dict["reason"][0]
    petitioner.refresh_from_db()
    assert petitioner.name == "张小三"
    assert DataRequest.objects.get().status == DataRequest.Status.RECEIVED


def test_overdue_requests_are_the_unanswered_ones_past_their_due_date(district, petitioner, reviewer):
    # given: due 23 November; one answered, one not
    late = receive(district.clerk, petitioner)
    answered = receive(district.clerk, petitioner)
    services.request_decide(request_id=answered.pk, grant=True, reason="同意", actor=reviewer)
    # then
    assert list(requests_overdue(user=reviewer, today=date(2026, 11, 23))) == []
    assert list(requests_overdue(user=reviewer, today=date(2026, 11, 24))) == [late]


def test_requests_are_seen_only_by_the_offices_staff_in_scope(district, petitioner, reviewer):
    # given
    request = receive(district.clerk, petitioner)
    other_county = org_create(name="白云区人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY,
                              region_code="500198")
    other_office = org_create(name="白云区信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY,
                              parent=other_county)
    stranger = user_create(username="baiyun-reviewer", password="pw-123456", org=other_office,
                           roles=[Role.REVIEWER])
    leader = user_create(username="office-leader", password="pw-123456", org=district.office, roles=[Role.LEADER])
    root = user_create(username="root", password="pw-123456", org=None, roles=[], is_superuser=True)
    # then
    assert list(requests_visible_to(user=reviewer)) == [request]
    assert list(requests_visible_to(user=district.clerk)) == [request]
    for outsider in (stranger, leader, district.township_a_user, root):
        assert list(requests_visible_to(user=outsider)) == []


def test_the_access_copy_leaves_out_accusations_content_and_other_peoples_names(district, category, petitioner,
                                                                                reviewer, petition):
    # given: the same person also accused an official, together with a co-petitioner
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk, summary="检举某镇干部王某收受贿赂",
        content="王某收受工程老板贿赂。", demands="请求查处王某",
        petitioners=[PetitionerInput(name="张小三", id_number=petitioner.id_number),
                     PetitionerInput(name="李四", id_number=ID_LI)]), actor=district.clerk)
    # when
    rows = {row["number"]: row for row in petitioner_export_rows(petitioner=petitioner, user=reviewer)}
    # then
    assert set(rows) == {petition.number, accusation.number}
    assert rows[petition.number]["content"] == petition.content
    accused = rows[accusation.number]
    assert (accused["summary"], accused["content"], accused["demands"], accused["handling_org"]) == ("", "", "", "")
    assert accused["co_petitioners"] == "1"
    assert not any("王某" in value or "李四" in value for value in accused.values())


def test_a_request_about_an_anonymised_petitioner_is_refused(district, petitioner):
    # given
    Anonymisation.objects.create(petitioner=petitioner, cause=Anonymisation.Cause.RETENTION, batch="t")
    # when / then
    with pytest.raises(ValidationError) as error:
        receive(district.clerk, petitioner)
    assert error.value.message_dict["petitioner"] == ["该信访人的个人信息已匿名化"]
