"""An accuser is shown in full only with a second official's approval (Arts 30, 46): the reveal, the notice that
names him and an unmasked export; the official who asks cannot approve, the approval lapses after a day."""

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import ID_ZHANG, act, petition_input
from xinfang.exchange.export import petitions_export
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionEvent, PetitionType
from xinfang.petitions.reveal_approvals import RevealApproval, reveal_approval_decide, reveal_approval_request
from xinfang.petitions.services import PetitionerInput, petitioner_reveal, petition_register
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def accusation(district, category):
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.department.pk,
        petitioners=[PetitionerInput(name="张小三", id_number=ID_ZHANG, phone="13812345678")]), actor=district.clerk)
    return petition


@pytest.fixture
def custodian(district):
    return user_create(username="custodian", password="pw-123456", org=district.office, roles=[Role.REVIEWER])


def test_the_reveal_needs_another_officials_approval(client, district, accusation, custodian):
    petitioner = accusation.parties.get().petitioner
    with pytest.raises(PermissionDenied, match="另一名"):
        petitioner_reveal(petition=accusation, petitioner=petitioner, actor=district.clerk, reason="核实")
    assert not PetitionEvent.objects.filter(kind="personal_data_viewed").exists()

    client.force_login(district.clerk)
    url = f"/petitions/{accusation.pk}/petitioners/{petitioner.pk}/reveal/"
    asked = client.post(url, {"reason": "电话回访核实"}).content.decode()
    assert "待另一名" in asked and ID_ZHANG not in asked
    approval = RevealApproval.objects.get()
    with pytest.raises(PermissionDenied, match="自己"):
        reveal_approval_decide(approval_id=approval.pk, actor=district.clerk, approve=True)

    client.force_login(custodian)
    assert "身份查看审批 (1)" in client.get("/petitions/").content.decode()
    client.post(f"/petitions/reveal-approvals/{approval.pk}/", {"decision": "approve", "note": "同意"})
    client.force_login(district.clerk)
    shown = client.post(url, {"reason": "电话回访核实"}).content.decode()
    assert ID_ZHANG in shown
    assert PetitionEvent.objects.filter(kind="personal_data_viewed").count() == 1

    approval.refresh_from_db()
    RevealApproval.objects.update(decided_at=approval.decided_at - timedelta(hours=25))  # a day later
    with pytest.raises(PermissionDenied):
        petitioner_reveal(petition=accusation, petitioner=petitioner, actor=district.clerk, reason="再看")


def test_a_refusal_needs_a_reason_and_roles_outside_the_custodians_cannot_decide(district, accusation, custodian):
    approval = reveal_approval_request(petition=accusation, actor=district.clerk, reason="核实")
    with pytest.raises(ValidationError, match="理由"):
        reveal_approval_decide(approval_id=approval.pk, actor=custodian, approve=False)
    statistician = user_create(username="stat", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    with pytest.raises(PermissionDenied):
        reveal_approval_decide(approval_id=approval.pk, actor=statistician, approve=True)
    refused = reveal_approval_decide(approval_id=approval.pk, actor=custodian, approve=False, note="理由不足")
    assert refused.status == "refused"
    with pytest.raises(PermissionDenied):
        petitioner_reveal(petition=accusation, petitioner=accusation.parties.get().petitioner,
                          actor=district.clerk, reason="核实")


def test_the_accusations_letters_and_unmasked_exports_keep_the_accuser_masked(district, accusation, custodian,
                                                                             actors):
    from xinfang.notices.services import notice_export

    act(accusation, "forward", actors.reviewer, handling_org=district.township_a.pk)
    notice = Notice.objects.get(petition=accusation)
    with pytest.raises(PermissionDenied, match="另一名"):
        notice_export(notice=notice, actor=actors.reviewer, fmt="docx")
    approval = reveal_approval_request(petition=accusation, actor=actors.reviewer, reason="送达告知书")
    reveal_approval_decide(approval_id=approval.pk, actor=custodian, approve=True)
    assert notice_export(notice=notice, actor=actors.reviewer, fmt="docx").content

    out = io.BytesIO()
    petitions_export(out=out, fmt="jsonl", user=actors.reviewer, unmask=True, reason="核对", channel="web")
    records = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert any(record.get("number") == accusation.number for record in records)
    assert ID_ZHANG not in out.getvalue().decode()  # the accuser stays masked
