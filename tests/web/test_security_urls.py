"""ID numbers and phones stay out of URLs, and every search or look-up by one is audited (masked)."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import ID_LI, ID_ZHANG, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.petitions import crypto
from xinfang.petitions.services import PetitionerInput, petition_register

PHONE = "13812345678"  # petition_input's petitioner (张小三, ID_ZHANG)


@pytest.fixture
def petition(district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


def _search_events() -> list[dict]:
    return list(AuditEvent.objects.filter(action="petitions.search_identity").values("actor_id", "data"))


def test_a_list_search_by_id_number_redirects_to_an_opaque_key_and_finds_the_case(client, district, petition):
    client.force_login(district.clerk)
    # when: the clerk searches the list by a full ID number (the form POSTs)
    response = client.post("/petitions/", {"q": ID_ZHANG, "channel": "letter"})
    # then: the URL names a key, not the number; other filters stay readable
    assert response.status_code == 302
    url = response["Location"]
    assert ID_ZHANG not in url and ID_ZHANG[-4:] not in url
    query = parse_qs(urlsplit(url).query)
    assert set(query) == {"s", "channel"} and query["channel"] == ["letter"]
    page = client.get(url).content.decode()
    assert petition.number in page


def test_the_kept_search_is_only_readable_in_its_own_session(client, district, petition):
    client.force_login(district.clerk)
    url = client.post("/petitions/", {"q": ID_ZHANG})["Location"]
    client.logout()
    client.force_login(district.clerk)  # a new session: the key means nothing there
    page = client.get(url).content.decode()
    assert "该搜索已过期" in page


def test_ordinary_text_searches_stay_bookmarkable_get_urls(client, district, petition):
    client.force_login(district.clerk)
    response = client.post("/petitions/", {"q": "拖欠", "channel": ""})
    assert response["Location"] == "/petitions/?q=%E6%8B%96%E6%AC%A0"
    assert petition.number in client.get(response["Location"]).content.decode()
    assert _search_events() == []


def test_an_old_link_with_an_id_number_in_the_url_is_moved_out_of_it(client, district, petition):
    client.force_login(district.clerk)
    response = client.get("/petitions/", {"q": PHONE})
    assert response.status_code == 302 and PHONE not in response["Location"]
    assert petition.number in client.get(response["Location"]).content.decode()


def test_next_page_links_keep_the_kept_search(client, district, category):
    for _ in range(31):  # one more than a page (30)
        petition_register(data=petition_input(locality=district.township_a, category=category),
                          actor=district.clerk)
    client.force_login(district.clerk)
    url = client.post("/petitions/", {"q": ID_ZHANG})["Location"]
    first = client.get(url).content.decode()
    next_href = html.unescape(re.search(r'<a href="(\?[^"]*)">下一页', first).group(1))
    assert parse_qs(urlsplit(url).query)["s"] == parse_qs(next_href[1:])["s"] and ID_ZHANG not in next_href
    second = client.get("/petitions/" + next_href)
    assert len(second.context["page"].rows) == 1


def test_a_list_search_by_id_number_or_phone_is_audited_masked(client, district, petition):
    client.force_login(district.clerk)
    client.post("/petitions/", {"q": ID_ZHANG})
    client.post("/petitions/", {"q": PHONE})
    events = _search_events()
    assert [event["actor_id"] for event in events] == [district.clerk.pk, district.clerk.pk]
    by_id, by_phone = (event["data"] for event in events)
    assert by_id == {"via": "petition-list", "kind": "id_number", "index": crypto.blind_index(ID_ZHANG),
                     "masked": "1101**********002X"}
    assert by_phone["kind"] == "phone" and by_phone["masked"] == "138****5678"
    # Never the number itself, anywhere in the entries.
    assert all(ID_ZHANG not in str(event) and PHONE not in str(event) for event in events)


def test_the_identity_lookup_is_post_only_and_audited(client, district, petition):
    client.force_login(district.clerk)
    assert client.get("/petitions/lookup/", {"petitioners-0-id_number": ID_ZHANG}).status_code == 405
    found = client.post("/petitions/lookup/", {"petitioners-0-id_number": ID_ZHANG}).content.decode()
    assert petition.number in found
    assert client.post("/petitions/lookup/", {"petitioners-0-phone": PHONE}).status_code == 200
    events = _search_events()
    assert [(e["data"]["via"], e["data"]["kind"], e["data"]["masked"]) for e in events] == [
        ("identity-lookup", "id_number", "1101**********002X"), ("identity-lookup", "phone", "138****5678")]


def test_half_typed_or_invalid_numbers_are_neither_looked_up_nor_audited(client, district, petition):
    client.force_login(district.clerk)
    assert "以往" not in client.post("/petitions/lookup/", {"petitioners-0-phone": "1381234"}).content.decode()
    assert "校验位不正确" in client.post("/petitions/lookup/",
                                       {"petitioners-0-id_number": ID_LI[:-1] + "9"}).content.decode()
    assert _search_events() == []


def test_the_export_link_carries_the_key_and_exports_the_kept_search(client, district, category, petition):
    # given: a second case, of another person
    other = petition_input(locality=district.township_a, category=category,
                           petitioners=[PetitionerInput(name="李四", id_number=ID_LI)])
    petition_register(data=other, actor=district.clerk)
    client.force_login(district.clerk)
    url = client.post("/petitions/", {"q": ID_ZHANG})["Location"]
    page = client.get(url).content.decode()
    export_url = f"/petitions/export/?{urlsplit(url).query}"
    assert f'href="{export_url}"' in page
    # when / then: the export has 张小三's case only
    assert client.get(export_url).status_code == 200
    assert AuditEvent.objects.filter(action="exchange.export").get().data["count"] == 1
