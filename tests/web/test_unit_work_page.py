"""The case page of a matter handled inside the unit: 承办人, the draft awaiting the head, a returned draft,
evidence uploaded by the handling unit only while it handles the matter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import act
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Attachment, PetitionEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 2048
DRAFT = {"outcome": "explained", "facts": "经核实，工资已于3月8日结清", "decision": "予以解释说明", "legal_basis": "有关规定"}


@pytest.fixture
def accepted(registered, actors):
    act(registered, "forward", actors.reviewer, handling_org=registered.locality_id)
    act(registered, "accept", actors.head)
    return act(registered, "assign_handler", actors.head, assignee=actors.handler.pk)


def _page(client, user, petition) -> str:
    client.force_login(user)
    return client.get(f"/petitions/{petition.pk}/").content.decode()


def test_the_head_reads_the_draft_and_the_handler_reads_why_it_came_back(client, accepted, actors):
    assert "承办人：qingshi" in _page(client, actors.head, accepted)
    act(accepted, "draft_reply", actors.handler, **DRAFT)
    page = _page(client, actors.head, accepted)
    assert "意见书草稿" in page and "工资已于3月8日结清" in page and "审核签发处理意见书" in page
    assert "解释说明" in page and "explained" not in page  # the conclusion by its label
    form = client.get(f"/petitions/{accepted.pk}/actions/approve_reply/").content.decode()
    assert "工资已于3月8日结清" in form  # the head signs what he reads, amendable
    act(accepted, "return_draft", actors.head, reason="请附工资发放凭证")
    page = _page(client, actors.handler, accepted)
    assert "意见书被退回修改" in page and "请附工资发放凭证" in page
    act(accepted, "draft_reply", actors.handler, **DRAFT)
    assert "意见书被退回修改" not in _page(client, actors.handler, accepted)


def test_evidence_is_attached_by_the_handling_unit_while_it_handles(client, accepted, actors, district):
    client.force_login(actors.handler)
    response = client.post(f"/petitions/{accepted.pk}/evidence/",
                           {"file": SimpleUploadedFile("工资表.pdf", PDF, content_type="application/pdf")}, follow=True)
    assert "已上传调查核实证据：工资表.pdf" in response.content.decode()
    evidence = Attachment.objects.get(petition=accepted)
    assert evidence.purpose == Attachment.Purpose.EVIDENCE and evidence.uploaded_by == actors.handler
    assert PetitionEvent.objects.filter(petition=accepted, kind="attachment_added", title="调查核实证据",
                                        note="工资表.pdf").exists()
    # The office's clerk is not of the handling unit, nor a handler of another unit below the county (the
    # department's); a file that is not what its name says is refused.
    other = user_create(username="county-handler", password="pw-123456", org=district.county, roles=[Role.HANDLER])
    for user, upload, message in (
        (district.clerk, SimpleUploadedFile("a.pdf", PDF), "“上传调查核实证据”需要以下角色之一"),
        (other, SimpleUploadedFile("a.pdf", PDF), "只有责任单位的承办人、负责人"),
        (actors.handler, SimpleUploadedFile("假.pdf", b"MZ\x90\x00 not a pdf"), "未能上传"),
    ):
        client.force_login(user)
        page = client.post(f"/petitions/{accepted.pk}/evidence/", {"file": upload}, follow=True).content.decode()
        assert message in page
    assert Attachment.objects.filter(petition=accepted).count() == 1


def test_no_evidence_once_the_decision_is_out(client, accepted, actors):
    act(accepted, "reply", actors.head, **DRAFT)
    assert "上传调查核实证据" not in _page(client, actors.handler, accepted)
    client.post(f"/petitions/{accepted.pk}/evidence/", {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert not Attachment.objects.filter(petition=accepted).exists()


def test_another_township_cannot_post_evidence(client, accepted, district):
    client.force_login(district.township_b_user)
    assert client.post(f"/petitions/{accepted.pk}/evidence/", {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404


def test_the_offices_evaluators_find_the_quality_evaluation_on_the_case_page(client, accepted, actors):
    link = f'href="/quality/petitions/{accepted.pk}/evaluate/"'
    assert link in _page(client, actors.reviewer, accepted)
    assert link not in _page(client, actors.head, accepted)  # the unit evaluated does not score itself
