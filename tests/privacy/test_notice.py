"""The notice version each petition was registered under (PIPL Arts 17, 35), on every channel; the ID number is
optional where the Regulation does not need it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import petition_input
from tests.portal.conftest import submission_input
from xinfang.petitions.models import Channel
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.portal.models import ConsentNotice
from xinfang.portal.services import portal_submit
from xinfang.privacy.models import PetitionNotice
from xinfang.privacy.selectors import notice_of


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_staff_registration_records_the_notice_version_in_force(district, category, notice):
    # when
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    # then
    assert notice_of(petition=petition) == notice


def test_a_new_version_applies_to_later_registrations_only(district, category, notice):
    # given
    first, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    newer = ConsentNotice.objects.create(version="2026-2", title="个人信息处理告知", text="第二版",
                                         published_at=timezone.now() - timezone.timedelta(minutes=1))
    # when
    second, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                      summary="另一件事", content="另一件事的内容"),
                                  actor=district.clerk)
    # then
    assert notice_of(petition=first) == notice
    assert notice_of(petition=second) == newer


def test_a_portal_submission_records_the_version_the_petitioner_agreed_to(district, category, notice):
    # when
    petition, _ = portal_submit(data=submission_input(district=district, category=category, consent=notice),
                                client_ip="203.0.113.9")
    # then
    assert notice_of(petition=petition) == petition.portal_submission.consent_notice == notice


def test_a_refused_registration_records_no_notice(district, category, notice):
    # given: a visit without the visitor's ID number is refused
    data = petition_input(locality=district.township_a, category=category, channel=Channel.VISIT,
                          petitioners=[PetitionerInput(name="李四")])
    # when
    with pytest.raises(ValidationError):
        petition_register(data=data, actor=district.clerk)
    # then
    assert PetitionNotice.objects.count() == 0


@pytest.mark.parametrize("channel", [Channel.LETTER, Channel.CALL, Channel.ONLINE_COMPLAINT,
                                     Channel.HOTLINE_TRANSFER])
def test_the_id_number_is_optional_except_at_the_reception_desk(district, category, notice, channel):
    # when: a petitioner known by name and phone alone
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, channel=channel,
        petitioners=[PetitionerInput(name="李四", phone="13900001111")]), actor=district.clerk)
    # then
    assert petition.parties.get().petitioner.id_number == ""


def test_the_staff_registration_page_names_the_current_notice(client, district, notice):
    # given
    client.force_login(district.clerk)
    # when
    page = client.get("/petitions/new/").content.decode()
    # then
    assert f"/portal/consent/{notice.version}/" in page
    assert "（版本 2026-1）" in page
