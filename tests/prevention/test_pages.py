"""The ledger pages per role: a leader reads and cannot record, a township's record is 404 to another township."""

import pytest

from xinfang.prevention.services_disputes import dispute_create
from tests.prevention.conftest import dispute_input

pytestmark = pytest.mark.django_db


def test_every_page_opens_for_the_office_and_the_new_pages_are_refused_to_a_leader(client, district, people):
    dispute = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    client.force_login(people.office_reviewer)
    for url in ("/prevention/", "/prevention/disputes/", "/prevention/disputes/new/", f"/prevention/disputes/{dispute.pk}/",
                f"/prevention/disputes/{dispute.pk}/edit/", "/prevention/campaigns/", "/prevention/campaigns/new/",
                "/prevention/assessments/", "/prevention/assessments/new/", "/prevention/decisions/",
                "/prevention/decisions/new/", "/prevention/disputes/import/", "/prevention/assessments/import/",
                "/prevention/indicators/prevention_disputes/", "/prevention/disputes/export.xlsx",
                "/prevention/assessments/export.xlsx"):
        assert client.get(url).status_code == 200, url
    client.force_login(people.village_leader)
    assert client.get(f"/prevention/disputes/{dispute.pk}/").status_code == 200
    for url in ("/prevention/disputes/new/", "/prevention/campaigns/new/", "/prevention/assessments/new/",
                "/prevention/decisions/new/", "/prevention/disputes/import/"):
        assert client.get(url).status_code == 403, url


def test_another_townships_dispute_is_not_found(client, district, people):
    dispute = dispute_create(data=dispute_input(locality=district.township_a), actor=people.township_a)
    client.force_login(people.township_b)
    assert client.get(f"/prevention/disputes/{dispute.pk}/").status_code == 404
    assert client.post(f"/prevention/disputes/{dispute.pk}/settle/", {"outcome": "unsettled",
                                                                       "unsettled_reason": "x"}).status_code == 404
    assert dispute.number not in client.get("/prevention/disputes/").content.decode()


def test_the_list_filters_the_disputes_past_their_deadline(client, district, people):
    from datetime import date

    late = dispute_create(data=dispute_input(locality=district.township_a, summary="超期未化解的纠纷",
                                             found_on=date(2026, 3, 2), deadline=date(2026, 4, 1)), actor=people.township_a)
    dispute_create(data=dispute_input(locality=district.township_a, summary="未到期的纠纷", deadline=None),
                   actor=people.township_a)
    client.force_login(people.township_a)
    page = client.get("/prevention/disputes/?status=overdue").content.decode()
    assert late.number in page and "未到期的纠纷" not in page
    assert '<strong id="dispute-count">1</strong>' in page
