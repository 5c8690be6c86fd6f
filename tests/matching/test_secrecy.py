"""Art 30: what the accused unit may learn of an accusation through references to it — nothing.

Chains, candidates, identity links and mass matters each name other petitions; every one of them must go
through the same visibility rule as the petition itself, and say nothing about what it withholds.
"""

import pytest
from django.urls import reverse

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO
from tests.matching.conftest import register, when
from xinfang.api.services import api_token_create
from xinfang.matching.models import MassCluster
from xinfang.matching.selectors import cluster_views, draft_of_petition, repeat_candidates
from xinfang.matching.services import repeat_link
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import PetitionerInput

pytestmark = pytest.mark.django_db

ESTATE = "我们是滨江花园小区业主，开发商逾期两年未办理房产证，多次协商无果，请求督促开发商尽快办证。"
SECRET = "举报青石镇干部收受开发商好处"


@pytest.fixture
def whistle(district, category, no_index):
    """张小三 accuses 青石镇 (registered by the county office), then writes again about the same matter as a
    grievance located in 青石镇, which the township sees; a clerk links the grievance as a repeat."""
    accusation = register(district, category, summary=SECRET, petition_type=PetitionType.ACCUSATION,
                          complained_org_id=district.township_a.pk, received_at=when(1, 5))
    grievance = register(district, category, received_at=when(2, 5))
    repeat_link(actor=district.clerk, petition_id=grievance.pk, first_petition_id=accusation.pk, reason="同一事项")
    return accusation, grievance


def test_the_chain_page_and_api_never_name_an_accusation_to_the_accused_unit(client, district, whistle):
    accusation, grievance = whistle
    client.force_login(district.township_a_user)
    page = client.get(reverse("matching:petition-section", args=[grievance.pk])).content.decode()
    api = client.get(f"/api/v1/matching/petitions/{grievance.pk}/chain",
                     HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=district.township_a_user)}")
    # then: the accusation is nowhere, and nothing says something was left out: to the accused township the
    # grievance is the first petition of its matter
    assert accusation.number not in page and SECRET not in page and "该件为初件" in page
    body = api.json()
    assert [(p["id"], p["is_first"]) for p in body["petitions"]] == [(grievance.pk, True)]
    assert body["first_petition_id"] == grievance.pk
    history = client.get(reverse("petition-detail", args=[grievance.pk])).content.decode()
    assert "关联为重复信访" not in history and accusation.number not in history
    assert accusation.number not in api.content.decode()
    # and the office that registered both still sees the whole matter
    client.force_login(district.clerk)
    assert accusation.number in client.get(reverse("matching:petition-section", args=[grievance.pk])).content.decode()


def test_repeat_candidates_do_not_name_the_matter_of_an_invisible_accusation(district, category, whistle, actors):
    accusation, grievance = whistle
    head = actors.head  # 青石镇's head may link repeats
    later = register(district, category, received_at=when(3, 5))
    draft = draft_of_petition(petition=later)
    for candidate in repeat_candidates(actor=head, draft=draft).candidates:
        assert accusation.pk not in (candidate.petition_id, candidate.matter_id)
        assert candidate.matter_number != accusation.number
        assert candidate.matter_size == 1  # the grievance alone: the accusation is not counted


def file_estate(district, category, people, *, first_accuses: bool):
    petitions = []
    for i, (name, id_number) in enumerate(people):
        extra = {}
        if first_accuses and i == 0:
            extra = dict(summary=SECRET, petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_a.pk)
        petitions.append(register(district, category, content=ESTATE, person=PetitionerInput(name=name,
                                  id_number=id_number), received_at=when(1, 3 + i), **extra))
    return petitions


PEOPLE = [("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", ID_WANG), ("赵六", ID_ZHAO)]


def test_a_mass_matter_is_titled_and_counted_from_what_the_reader_may_see(client, district, category, fake_index):
    # given: four neighbours on one matter; the earliest is an accusation against 青石镇
    accusation, *grievances = file_estate(district, category, PEOPLE, first_accuses=True)
    cluster = MassCluster.objects.get()
    assert cluster.petition_count == 4
    # then: the stored title never quotes the accusation
    assert SECRET not in cluster.title
    # and 青石镇 sees a mass matter of three, titled by its own earliest petition
    view, = cluster_views(user=district.township_a_user)
    assert (view.petition_count, view.petitioner_count, view.person_times) == (3, 3, 3)
    assert view.title == grievances[0].summary and view.first_received_at == grievances[0].received_at
    client.force_login(district.township_a_user)
    for url in (reverse("matching:cluster-list"), reverse("matching:cluster-detail", args=[cluster.pk]),
                reverse("matching:petition-section", args=[grievances[0].pk])):
        body = client.get(url).content.decode()
        assert SECRET not in body and accusation.number not in body and "4件" not in body, url
    # and the office that registered them all sees the four
    view, = cluster_views(user=district.clerk)
    assert view.petition_count == 4


def test_a_mass_matter_whose_visible_part_is_too_small_is_not_shown(client, district, category, fake_index):
    # given: three people, one of them accusing 青石镇: 青石镇 sees only two people
    _, *grievances = file_estate(district, category, PEOPLE[:3], first_accuses=True)
    cluster = MassCluster.objects.get()
    assert cluster_views(user=district.township_a_user) == []
    client.force_login(district.township_a_user)
    assert client.get(reverse("matching:cluster-detail", args=[cluster.pk])).status_code == 404
