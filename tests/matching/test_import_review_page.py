"""The clerk's page of an import's 疑似重复信访: listed with reasons, confirmed or dismissed, refused to others."""

import pytest

from tests.matching.test_import_judgement import admin, file_of, template  # noqa: F401  (fixtures)
from xinfang.exchange.importer import import_records
from xinfang.exchange.models import RepeatProposal
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_the_clerk_sees_the_proposal_with_its_reasons_and_confirms_it(client, template, admin, district):  # noqa: F811
    import_records(records=file_of(template), actor=admin, engine="bulk")
    proposal = RepeatProposal.objects.get()
    client.force_login(district.clerk)
    page = client.get("/exchange/review/").content.decode()
    assert "（1件）" in page and proposal.petition.number in page and proposal.candidate.number in page
    assert "同一信访人" in page and "鸿运" in page  # the reasons in words
    # dismissing needs a reason: refused in Chinese, nothing changes
    response = client.post(f"/exchange/review/{proposal.pk}/", {"action": "dismiss", "reason": " "}, follow=True)
    assert "请填写理由" in response.content.decode()
    assert RepeatProposal.objects.get().status == RepeatProposal.Status.PENDING
    response = client.post(f"/exchange/review/{proposal.pk}/", {"action": "confirm", "reason": ""}, follow=True)
    assert f"已确认：{proposal.petition.number} 为重复信访" in response.content.decode()
    assert Petition.objects.get(pk=proposal.petition_id).first_petition_id == proposal.candidate_id
    assert "没有待确认的疑似重复信访" in response.content.decode()
    # decided once: a second post says so and changes nothing
    response = client.post(f"/exchange/review/{proposal.pk}/", {"action": "dismiss", "reason": "重复点击"}, follow=True)
    assert "待确认的疑似重复信访不存在，或无权查看" in response.content.decode()
    assert RepeatProposal.objects.get().status == RepeatProposal.Status.CONFIRMED
    client.force_login(admin)  # who imports finds the list from the import page
    assert 'href="/exchange/review/"' in client.get("/exchange/import/").content.decode()


def test_the_page_is_refused_to_a_user_without_the_linking_role(client, template, admin, district):  # noqa: F811
    import_records(records=file_of(template), actor=admin, engine="bulk")
    proposal = RepeatProposal.objects.get()
    statistician = user_create(username="rv-stats", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    client.force_login(statistician)
    assert client.get("/exchange/review/").status_code == 403
    assert client.post(f"/exchange/review/{proposal.pk}/", {"action": "confirm"}).status_code == 403
    assert RepeatProposal.objects.get().status == RepeatProposal.Status.PENDING
