"""A notice voided by a correction stays listed, marked 作废, and is never handed out as a valid letter."""

from datetime import date

import lxml.html
import pytest

from tests.conftest import act
from tests.notices.conftest import FACTS, LEGAL_BASIS
from xinfang.audit.models import AuditEvent
from xinfang.notices.services import NoticeVoided, notice_export
from xinfang.workflow.models import Notice
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db


def url(petition, notice, fmt):
    return f"/petitions/{petition.pk}/notices/{notice.pk}/{fmt}/"


@pytest.fixture
def corrected(decided, actors):
    """The 信访处理意见书 undone by a correction (its notice voided), then issued again as YJ2."""
    petition_correct(petition_id=decided.pk, actor=actors.head, reason="处理意见选错")
    act(decided, "reply", actors.head, on=date(2026, 4, 21), outcome="supported", facts=FACTS,
        decision="责令公司15日内支付拖欠工资。", legal_basis=LEGAL_BASIS)
    return decided


def test_the_case_page_marks_the_voided_notice_and_offers_no_download(client, corrected, district):
    client.force_login(district.clerk)
    voided = Notice.objects.get(petition=corrected, voided=True)
    valid = Notice.objects.get(petition=corrected, kind=Notice.Kind.DECISION, voided=False)
    tree = lxml.html.fromstring(client.get(f"/petitions/{corrected.pk}/").content.decode())
    items = {" ".join(item.text_content().split()): item for item in tree.iterfind(".//ul[@class='notices']/li")}
    voided_item = next(item for label, item in items.items() if voided.number in label)
    valid_item = next(item for label, item in items.items() if valid.number in label)
    assert " ".join(voided_item.text_content().split()).startswith("作废 信访处理意见书")
    assert "本文书无效" in voided_item.text_content()
    assert voided_item.find(".//a") is None
    assert "作废" not in valid_item.text_content()
    assert [a.get("href") for a in valid_item.iterfind(".//a")][0] == url(corrected, valid, "docx")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_downloading_a_voided_notice_is_refused_and_names_the_valid_one(client, corrected, district, fmt):
    client.force_login(district.clerk)
    voided = Notice.objects.get(petition=corrected, voided=True)
    valid = Notice.objects.get(petition=corrected, kind=Notice.Kind.DECISION, voided=False)
    response = client.get(url(corrected, voided, fmt), follow=True)
    assert response.redirect_chain == [(f"/petitions/{corrected.pk}/", 302)]
    assert not response.has_header("Content-Disposition")
    message = [str(m) for m in response.context["messages"]]
    assert message == [f"信访处理意见书（{voided.number}）已因更正作废，不能作为有效文书下载；"
                       f"请使用重新出具的信访处理意见书（{valid.number}）"]
    assert not AuditEvent.objects.filter(action="notice.download").exists()
    # The valid one downloads as before.
    assert client.get(url(corrected, valid, "docx")).status_code == 200


def test_the_service_refuses_a_voided_notice_without_a_replacement(decided, actors, district):
    petition_correct(petition_id=decided.pk, actor=actors.head, reason="处理意见选错")
    voided = Notice.objects.get(petition=decided, voided=True)
    with pytest.raises(NoticeVoided, match="该事项目前没有重新出具的同类文书"):
        notice_export(notice=voided, actor=district.clerk, fmt="docx")
