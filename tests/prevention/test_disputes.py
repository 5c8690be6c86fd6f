"""The dispute ledger's rules: who records, verifies and sees what; exact amounts; history on every change; Art 30."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import petition_register
from xinfang.prevention.disputes import Dispute
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.selectors import dispute_petitions, disputes_visible_to
from xinfang.prevention.services_disputes import (
    SettlementInput,
    dispute_create,
    dispute_report_settlement,
    dispute_update,
    dispute_verify,
    parse_amount,
)
from tests.conftest import petition_input
from tests.prevention.conftest import dispute_input

pytestmark = pytest.mark.django_db


def test_a_township_sees_its_villages_disputes_and_never_another_townships(district, people):
    # given: one dispute in 青石镇's village, one in 白沙镇
    in_village = dispute_create(data=dispute_input(locality=district.village_a1, responsible_org=district.township_a),
                                actor=people.township_a)
    in_baisha = dispute_create(data=dispute_input(locality=district.township_b), actor=people.township_b)
    # then
    assert set(disputes_visible_to(user=people.township_a)) == {in_village}
    assert set(disputes_visible_to(user=people.township_b)) == {in_baisha}
    assert set(disputes_visible_to(user=people.office_clerk)) == {in_village, in_baisha}
    assert set(disputes_visible_to(user=people.village_leader)) == {in_village}


def test_a_township_cannot_record_or_change_another_townships_dispute(district, people):
    with pytest.raises(ValidationError) as error:
        dispute_create(data=dispute_input(locality=district.township_b), actor=people.township_a)
    assert error.value.message_dict["locality"] == ["白沙镇不在本单位范围内"]
    theirs = dispute_create(data=dispute_input(locality=district.township_b), actor=people.township_b)
    with pytest.raises(PermissionDenied):
        dispute_update(dispute_id=theirs.pk, data=dispute_input(locality=district.township_b),
                       actor=people.township_a)
    assert Dispute.objects.count() == 1


def test_a_leader_reads_but_may_not_record(district, people):
    with pytest.raises(PermissionDenied, match="领导干部、统计员只能查看"):
        dispute_create(data=dispute_input(locality=district.township_a), actor=people.village_leader)
    assert not Dispute.objects.exists()


def test_input_is_checked_with_chinese_messages_and_nothing_is_written(district, people):
    bad = dispute_input(locality=district.county, person_times=0, amount=Decimal("1.234"), summary=" ",
                        deadline=date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        dispute_create(data=bad, actor=people.office_clerk)
    assert error.value.message_dict == {
        "summary": ["请填写纠纷概况"], "person_times": ["涉及人次应为不小于1的整数"],
        "amount": ["涉及金额应为不小于0、最多两位小数的数（万元）"], "locality": ["属地应为镇街或村（社区）"],
        "deadline": ["化解期限不能早于发现日期"]}
    assert not Dispute.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="prevention.").exists()


def test_amounts_are_exact_decimals():
    assert parse_amount(0.1) + parse_amount(0.2) == Decimal("0.30")  # not 0.30000000000000004
    assert parse_amount("1,234.5") == Decimal("1234.50")
    for bad, reason in (("1.005", "最多两位小数"), ("-1", "不能为负数"), ("十万", "应为数字")):
        with pytest.raises(ValueError, match=reason):
            parse_amount(bad)


def test_each_change_is_a_new_version_and_the_history_keeps_the_old_values(district, people):
    dispute = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    dispute = dispute_update(dispute_id=dispute.pk, actor=people.township_a, expected_version=1,
                             data=dispute_input(locality=district.village_a1, responsible_org=district.township_a,
                                                 amount=Decimal("40.00")))
    versions = list(LedgerVersion.objects.filter(ledger="dispute", record_id=dispute.pk).order_by("version"))
    assert [(v.version, v.action) for v in versions] == [(1, "登记"), (2, "修改")]
    assert versions[0].data["涉及金额（万元）"] == "36.50"
    assert versions[1].changes == {"涉及金额（万元）": ["36.50", "40.00"], "属地": ["青石镇", "青石镇桃源村"]}
    assert list(AuditEvent.objects.filter(target_id=str(dispute.pk), action__startswith="prevention.dispute")
                .values_list("action", flat=True)) == ["prevention.dispute_create", "prevention.dispute_update"]
    with pytest.raises(ValidationError, match="已被他人修改"):  # an edit made on version 1 again
        dispute_update(dispute_id=dispute.pk, actor=people.township_a, expected_version=1,
                       data=dispute_input(locality=district.township_a))


def test_a_settlement_counts_only_once_the_offices_reviewer_verifies_it(district, people):
    dispute = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    with pytest.raises(ValidationError) as error:
        dispute_report_settlement(dispute_id=dispute.pk, actor=people.township_a,
                                  data=SettlementInput(outcome="settled"))
    assert error.value.message_dict == {"settled_on": ["已化解的，请填写化解日期"], "method": ["已化解的，请选择化解方式"]}
    dispute_report_settlement(dispute_id=dispute.pk, actor=people.township_a, data=SettlementInput(
        outcome="settled", settled_on=date(2026, 4, 10), method="mediation", note="达成调解协议，工资已付清"))
    with pytest.raises(PermissionDenied, match="须由信访部门的审核员办理"):
        dispute_verify(dispute_id=dispute.pk, approve=True, actor=people.township_a)
    returned = dispute_verify(dispute_id=dispute.pk, approve=False, reason="缺少调解协议", actor=people.office_reviewer)
    assert (returned.status, returned.return_reason) == (Dispute.Status.OPEN, "缺少调解协议")
    dispute_report_settlement(dispute_id=dispute.pk, actor=people.township_a, data=SettlementInput(
        outcome="settled", settled_on=date(2026, 4, 10), method="mediation"))
    settled = dispute_verify(dispute_id=dispute.pk, approve=True, actor=people.office_reviewer)
    assert (settled.status, settled.verified_by) == (Dispute.Status.SETTLED, people.office_reviewer)
    with pytest.raises(PermissionDenied, match="只有信访部门审核员可以更正"):
        dispute_update(dispute_id=dispute.pk, data=dispute_input(locality=district.township_a),
                       actor=people.township_a)


def test_an_accusation_is_linked_only_by_who_sees_it_and_shown_to_nobody_else(district, people, category):
    # given: an accusation against 青石镇, registered by the county office
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    # when: 青石镇 names it, it is refused as unknown; the office links it
    with pytest.raises(ValidationError) as error:
        dispute_create(data=dispute_input(locality=district.township_a, petition_numbers=(accusation.number,)),
                       actor=people.township_a)
    assert error.value.message_dict["petition_numbers"] == [f"找不到信访件或无权查看：{accusation.number}"]
    dispute = dispute_create(data=dispute_input(locality=district.township_a, petition_numbers=(accusation.number,)),
                             actor=people.office_clerk)
    # then: the office sees the link, 青石镇 sees the dispute without it, and its edit keeps the hidden link
    assert dispute_petitions(dispute=dispute, user=people.office_clerk) == [accusation]
    assert dispute_petitions(dispute=dispute, user=people.township_a) == []
    dispute_update(dispute_id=dispute.pk, data=dispute_input(locality=district.township_a), actor=people.township_a)
    assert dispute_petitions(dispute=dispute, user=people.office_clerk) == [accusation]
    assert accusation.number not in str(LedgerVersion.objects.filter(record_id=dispute.pk).values_list("data"))


def test_unlinking_keeps_the_link_row_and_the_export_lists_only_what_the_reader_sees(district, people, category):
    from io import BytesIO

    from openpyxl import load_workbook

    from xinfang.prevention.disputes import DisputePetition
    from xinfang.prevention.sheets_disputes import disputes_export

    grievance, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                     actor=district.clerk)
    accusation, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk), actor=district.clerk)
    dispute = dispute_create(data=dispute_input(locality=district.township_a,
                                                petition_numbers=(grievance.number, accusation.number)),
                             actor=people.office_clerk)

    def exported(user):
        stream = BytesIO()
        disputes_export(queryset=disputes_visible_to(user=user), out=stream, petitions_of=lambda d: [
            petition.number for petition in dispute_petitions(dispute=d, user=user)])
        rows = list(load_workbook(BytesIO(stream.getvalue())).active.values)
        return rows[1][rows[0].index("关联信访件编号")]

    assert exported(people.township_a) == grievance.number
    assert exported(people.office_clerk) == f"{grievance.number}、{accusation.number}"
    dispute_update(dispute_id=dispute.pk, data=dispute_input(locality=district.township_a), actor=people.township_a)
    assert dispute_petitions(dispute=dispute, user=people.office_clerk) == [accusation]
    unlinked = DisputePetition.objects.get(petition=grievance)
    assert (unlinked.unlinked_by, unlinked.unlinked_at is not None) == (people.township_a, True)
    event = AuditEvent.objects.filter(action="prevention.dispute_update").latest("id")
    assert (event.data["unlinked"], event.data["linked"]) == ([grievance.pk], [])
