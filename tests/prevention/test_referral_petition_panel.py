"""The case page lists the matter's 访调对接 its reader may see, and offers the recorders a form with it filled in."""

import pytest

from tests.prevention.test_referrals import petition, referral_input
from xinfang.prevention.services_referrals import referral_create

pytestmark = pytest.mark.django_db


def test_the_case_page_lists_its_referrals_and_links_the_form(client, district, people, category):
    made = petition(district, category)
    other = petition(district, category)
    referral = referral_create(data=referral_input(org=district.township_a, petition_number=made.number),
                               actor=people.office_clerk)
    referral_create(data=referral_input(org=district.township_a, petition_number=other.number,
                                        summary="另一件的调解"), actor=people.office_clerk)
    client.force_login(people.office_clerk)
    page = client.get(f"/petitions/{made.pk}/").content.decode()
    panel = page[page.index('id="petition-referrals"'):]
    panel = panel[:panel.index("</section>")]
    assert referral.number in panel and "青石镇人民调解委员会（人民调解）" in panel and "（1次）" in panel
    assert "另一件的调解" not in panel  # only this matter's
    assert f"/prevention/referrals/new/?petition={made.number}" in panel
    form = client.get(f"/prevention/referrals/new/?petition={made.number}").content.decode()
    assert f'value="{made.number}"' in form and f'value="{made.summary}"' in form
    assert f'<option value="{district.township_a.pk}" selected>' in form  # where it arose, not yet sent
    # a number the reader may not see fills nothing in
    client.force_login(people.township_b)
    form = client.get(f"/prevention/referrals/new/?petition={made.number}").content.decode()
    assert made.number not in form


def test_a_reader_who_may_not_record_sees_no_button_and_an_unreferred_case_shows_none(client, district, people,
                                                                                     category):
    made = petition(district, category)
    client.force_login(people.village_leader)
    response = client.get(f"/petitions/{made.pk}/")
    assert response.status_code == 200
    assert 'id="petition-referrals"' not in response.content.decode()  # nothing to show, nothing to record
    client.force_login(people.office_clerk)
    page = client.get(f"/petitions/{made.pk}/").content.decode()
    assert "本事项尚未移交人民调解、行政调解或诉调对接。" in page and "移交调解" in page
