"""访调对接 and 导入诉讼: recording, the outcome and its history, validation (nothing written), roles and scope,
links to petitions and disputes only where the recorder may see them."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinfang.audit.models import AuditEvent
from xinfang.petitions.services import petition_register
from xinfang.prevention.history import LedgerVersion
from xinfang.prevention.referrals import LITIGATION_LEDGER, REFERRAL_LEDGER, LitigationBatch, Referral
from xinfang.prevention.selectors_referrals import (
    litigation_petitions,
    litigations_visible_to,
    referral_petition,
    referrals_visible_to,
)
from xinfang.prevention.services_disputes import dispute_create
from xinfang.prevention.services_referrals import (
    LitigationInput,
    ReferralInput,
    litigation_create,
    litigation_update,
    referral_create,
    referral_update,
)
from tests.conftest import petition_input
from tests.prevention.conftest import dispute_input

pytestmark = pytest.mark.django_db


def referral_input(*, org, **overrides) -> ReferralInput:
    values = dict(summary="某工地拖欠农民工工资", path="peoples_mediation", receiving_body="青石镇人民调解委员会",
                  responsible_org_id=org.pk, referred_on=date(2026, 3, 1), person_times=12,
                  amount_involved=Decimal("36.50"))
    values.update(overrides)
    return ReferralInput(**values)


def litigation_input(*, org, **overrides) -> LitigationInput:
    values = dict(title="涉法涉诉事项导入诉讼第一批", guided_on=date(2026, 3, 15), court="清溪区人民法院",
                  responsible_org_id=org.pk, case_count=12, person_times=30, amount=Decimal("120.00"))
    values.update(overrides)
    return LitigationInput(**values)


def petition(district, category, **overrides):
    made, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                    received_at=timezone.make_aware(datetime(2026, 2, 1, 9)),
                                                    **overrides), actor=district.clerk)
    return made


def test_a_referral_is_recorded_then_its_outcome_with_the_history(district, people):
    referral = referral_create(data=referral_input(org=district.township_a), actor=people.township_a)
    assert (referral.number, referral.outcome, referral.recording_org) == ("访调〔2026〕1号", "pending",
                                                                           district.township_a)
    done = referral_update(referral_id=referral.pk, actor=people.township_a, expected_version=1, data=referral_input(
        org=district.township_a, outcome="mediated", outcome_on=date(2026, 3, 20),
        amount_recovered=Decimal("30.00")), note="调解协议已履行")
    assert (done.outcome, done.outcome_on, done.amount_recovered, done.version) == (
        "mediated", date(2026, 3, 20), Decimal("30.00"), 2)
    versions = list(LedgerVersion.objects.filter(ledger=REFERRAL_LEDGER, record_id=referral.pk).order_by("version"))
    assert [v.action for v in versions] == ["登记", "登记结果"]
    assert versions[1].changes["结果"] == ["进行中", "调解成功"]
    assert versions[1].changes["到位金额（万元）"] == ["0.00", "30.00"]
    assert versions[1].note == "调解协议已履行"
    assert list(AuditEvent.objects.filter(action__startswith="prevention.referral").values_list("action", flat=True)
                .order_by("id")) == ["prevention.referral_create", "prevention.referral_update"]


@pytest.mark.parametrize(("overrides", "key", "message"), [
    (dict(outcome="mediated"), "outcome_on", "已有结果的，请填写结果日期"),
    (dict(outcome="failed", outcome_on=date(2026, 2, 1)), "outcome_on", "结果日期不能早于移交日期"),
    (dict(outcome_on=date(2026, 4, 1)), "outcome_on", "进行中的不填结果日期"),
    (dict(amount_recovered=Decimal("40.00")), "amount_recovered", "到位金额不能大于涉及金额"),
    (dict(amount_involved=Decimal("-1.00")), "amount_involved", "金额不能为负数"),
    (dict(amount_involved=Decimal("1.005")), "amount_involved", "金额最多两位小数（万元）"),
    (dict(person_times=0), "person_times", "当事人人次应为不小于1的整数"),
    (dict(path="court"), "path", "请选择对接渠道（人民调解、法院诉前调解、行政调解、劳动人事争议仲裁或商事仲裁）"),
    (dict(referred_on=date(2099, 1, 1)), "referred_on", "移交日期不能晚于今天"),
    (dict(receiving_body=" "), "receiving_body", "请填写接收机构（如区人民法院诉调对接中心）"),
])
def test_bad_referrals_are_refused_and_nothing_is_written(district, people, overrides, key, message):
    with pytest.raises(ValidationError) as refused:
        referral_create(data=referral_input(org=district.township_a, **overrides), actor=people.office_clerk)
    assert refused.value.message_dict[key] == [message]
    assert not Referral.objects.exists() and not LedgerVersion.objects.exists()


def test_an_edit_refused_leaves_the_referral_as_it_was(district, people):
    referral = referral_create(data=referral_input(org=district.township_a), actor=people.office_clerk)
    with pytest.raises(ValidationError):
        referral_update(referral_id=referral.pk, actor=people.office_clerk, data=referral_input(
            org=district.township_a, outcome="mediated", outcome_on=date(2026, 3, 5),
            amount_recovered=Decimal("99.00")))
    referral.refresh_from_db()
    assert (referral.outcome, referral.version) == ("pending", 1)
    with pytest.raises(ValidationError, match="已被他人修改"):
        referral_update(referral_id=referral.pk, actor=people.office_clerk, expected_version=7,
                        data=referral_input(org=district.township_a))


def test_roles_and_scope(district, people):
    referral = referral_create(data=referral_input(org=district.village_a1), actor=people.township_a)
    # a township sees its villages'; another township neither sees nor edits it
    assert list(referrals_visible_to(user=people.township_a)) == [referral]
    assert not referrals_visible_to(user=people.township_b).exists()
    with pytest.raises(PermissionDenied):
        referral_update(referral_id=referral.pk, data=referral_input(org=district.township_b),
                        actor=people.township_b)
    # a unit outside the recorder's scope is refused
    with pytest.raises(ValidationError) as refused:
        referral_create(data=referral_input(org=district.township_b), actor=people.township_a)
    assert refused.value.message_dict["responsible_org"] == ["白沙镇不在本单位范围内"]
    # a leader only reads
    with pytest.raises(PermissionDenied):
        referral_create(data=referral_input(org=district.township_a), actor=people.village_leader)
    with pytest.raises(PermissionDenied):
        litigation_create(data=litigation_input(org=district.township_a), actor=people.village_leader)
    assert Referral.objects.count() == 1 and not LitigationBatch.objects.exists()


def test_a_referral_links_a_visible_petition_and_dispute_only(district, people, category):
    made = petition(district, category)
    dispute = dispute_create(data=dispute_input(locality=district.township_b), actor=people.office_clerk)
    with pytest.raises(ValidationError) as refused:
        referral_create(data=referral_input(org=district.township_b, petition_number=made.number,
                                            dispute_number=dispute.number), actor=people.township_b)
    assert refused.value.message_dict["petition_number"] == [f"找不到信访件或无权查看：{made.number}"]
    with pytest.raises(ValidationError) as refused:
        referral_create(data=referral_input(org=district.township_a, dispute_number=dispute.number),
                        actor=people.township_a)
    assert refused.value.message_dict["dispute_number"] == [f"找不到矛盾纠纷或无权查看：{dispute.number}"]
    referral = referral_create(data=referral_input(org=district.township_b, petition_number=made.number,
                                                   dispute_number=dispute.number), actor=people.office_clerk)
    assert (referral.petition, referral.dispute) == (made, dispute)
    assert referral_petition(referral=referral, user=people.office_clerk) == made
    assert referral_petition(referral=referral, user=people.township_b) is None  # Art 30: not hers to see
    assert list(dispute.referrals.all()) == [referral]


def test_a_litigation_batch_with_its_petitions_and_the_hidden_ones_kept_on_edit(district, people, category):
    mine = petition(district, category)
    other = petition(district, category, locality_id=district.township_b.pk)
    batch = litigation_create(data=litigation_input(org=district.county, petition_numbers=(mine.number, other.number)),
                              actor=people.office_clerk)
    assert batch.number == "诉讼〔2026〕1号" and set(batch.petitions.all()) == {mine, other}
    assert litigation_petitions(batch=batch, user=people.township_b) == [other]
    # the township edits; the petition hidden from it stays linked
    edited = litigation_update(batch_id=batch.pk, actor=people.office_clerk, expected_version=1, data=litigation_input(
        org=district.county, case_count=13, petition_numbers=(mine.number,)), note="补录一件")
    assert set(edited.petitions.all()) == {mine} and edited.case_count == 13
    version = LedgerVersion.objects.get(ledger=LITIGATION_LEDGER, record_id=batch.pk, version=2)
    assert version.changes == {"件数": [12, 13]}
    with pytest.raises(ValidationError) as refused:
        litigation_create(data=litigation_input(org=district.township_b, case_count=0, amount=Decimal("0.123"),
                                                petition_numbers=(mine.number,)), actor=people.township_b)
    assert refused.value.message_dict == {"case_count": ["件数应为不小于1的整数"], "amount": ["金额最多两位小数（万元）"],
                                          "petition_numbers": [f"找不到信访件或无权查看：{mine.number}"]}
    assert LitigationBatch.objects.count() == 1
    assert list(litigations_visible_to(user=people.township_b)) == []


def test_hidden_petitions_stay_linked_when_a_township_edits(district, people, category):
    hidden = petition(district, category, locality_id=district.township_b.pk)
    batch = litigation_create(data=litigation_input(org=district.township_a, petition_numbers=(hidden.number,)),
                              actor=people.office_clerk)
    litigation_update(batch_id=batch.pk, actor=people.township_a, data=litigation_input(org=district.township_a))
    assert list(batch.petitions.all()) == [hidden]
