"""Data scope: a user sees their org's subtree; an accusation never reaches the accused unit (Art 30)."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import petition_input
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import PetitionType
from xinfang.petitions.selectors import petition_get_for_user, petitions_of_identity, petitions_visible_to
from xinfang.petitions.services import petition_register, petitioner_reveal

pytestmark = pytest.mark.django_db


def visible_numbers(user) -> set[str]:
    return set(petitions_visible_to(user=user).values_list("number", flat=True))


def test_a_township_user_sees_its_own_petitions_but_not_another_townships(district, category):
    # given
    in_a, _ = petition_register(data=petition_input(locality=district.village_a1, category=category),
                                actor=district.clerk)
    in_b, _ = petition_register(data=petition_input(locality=district.township_b, category=category),
                                actor=district.clerk)
    # then
    assert visible_numbers(district.township_a_user) == {in_a.number}
    assert visible_numbers(district.township_b_user) == {in_b.number}
    assert visible_numbers(district.clerk) == {in_a.number, in_b.number}
    with pytest.raises(type(in_a).DoesNotExist):
        petition_get_for_user(user=district.township_b_user, petition_id=in_a.pk)


def test_an_accusation_is_hidden_from_the_accused_unit_and_the_units_inside_it(district, category):
    # given: an accusation against township A's officials, located in one of its villages
    accusation, _ = petition_register(
        data=petition_input(locality=district.village_a1, category=category,
                            petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_a.pk),
        actor=district.clerk,
    )
    village_head = user_create(username="taoyuan", password="pw-123456", org=district.village_a1,
                               roles=[Role.HANDLING_ORG_HEAD])
    # then
    assert accusation.number not in visible_numbers(district.township_a_user)
    assert accusation.number not in visible_numbers(village_head)
    assert accusation.number in visible_numbers(district.clerk)


def test_the_earlier_petitions_lookup_respects_scope(district, category):
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    from tests.conftest import ID_ZHANG

    assert len(petitions_of_identity(user=district.clerk, id_number=ID_ZHANG)) == 1
    assert len(petitions_of_identity(user=district.clerk, phone="138 1234 5678")) == 1
    assert petitions_of_identity(user=district.township_b_user, id_number=ID_ZHANG) == []


def test_revealing_personal_data_is_logged_and_refused_outside_scope(district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    petitioner = petition.parties.get().petitioner
    petitioner_reveal(petition=petition, petitioner=petitioner, actor=district.clerk, reason="电话回访核实身份")
    assert petition.events.filter(kind="personal_data_viewed", note="电话回访核实身份").exists()
    with pytest.raises(PermissionDenied):
        petitioner_reveal(petition=petition, petitioner=petitioner, actor=district.township_b_user, reason="好奇")


def test_a_petition_office_sees_its_whole_jurisdiction_including_matters_registered_elsewhere(district, category):
    # given: a township's own intake desk registers a matter of its own township
    township_clerk = user_create(username="qingshi-clerk", password="pw-123456", org=district.township_a,
                                 roles=[Role.INTAKE_CLERK])
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=township_clerk)
    # then: the county petition office sees it; the other township does not
    assert petition.number in visible_numbers(district.clerk)
    assert petition.number not in visible_numbers(district.township_b_user)
