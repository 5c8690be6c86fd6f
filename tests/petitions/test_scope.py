"""Data scope: a user sees their org's subtree; an accusation never reaches the accused unit (Art 30)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import act, petition_input
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Petition, PetitionType
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


def test_a_petition_office_under_a_township_sees_and_acts_on_its_township_only(district, category, actors):
    # given: a 信访办 of 青石镇, and matters of 青石镇, of 白沙镇, and an accusation against a county bureau
    office = org_create(name="青石镇信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.TOWNSHIP,
                        parent=district.township_a)
    township_clerk = user_create(username="qingshi-office", password="pw-123456", org=office,
                                 roles=[Role.INTAKE_CLERK, Role.REVIEWER])
    own, _ = petition_register(data=petition_input(locality=district.village_a1, category=category),
                               actor=district.clerk)
    other, _ = petition_register(data=petition_input(locality=district.township_b, category=category),
                                 actor=district.clerk)
    accusation, _ = petition_register(
        data=petition_input(locality=district.county, category=category, petition_type=PetitionType.ACCUSATION,
                            complained_org_id=district.department.pk),
        actor=district.clerk,
    )
    # then: it sees its own township's matter only
    assert visible_numbers(township_clerk) == {own.number}
    # and it cannot forward a matter it does not own: missing and forbidden are the same
    with pytest.raises(Petition.DoesNotExist):
        act(other, "forward", township_clerk, on=date(2026, 3, 3), handling_org=district.township_b.pk)
    assert not other.events.filter(kind="forward").exists()
    assert accusation.number not in visible_numbers(township_clerk)


def test_no_flag_lets_a_user_inside_the_accused_unit_see_the_accusation(district, category):
    accusation, _ = petition_register(
        data=petition_input(locality=district.village_a1, category=category,
                            petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_a.pk),
        actor=district.clerk,
    )
    root = user_create(username="qingshi-root", password="pw-123456", org=district.township_a,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)
    assert accusation.number not in visible_numbers(root)
    with pytest.raises(Petition.DoesNotExist):
        petition_get_for_user(user=root, petition_id=accusation.pk)


def test_an_accusation_needs_the_accused_unit(district, category):
    data = petition_input(locality=district.village_a1, category=category, petition_type=PetitionType.ACCUSATION)
    with pytest.raises(ValidationError) as refused:
        petition_register(data=data, actor=district.clerk)
    assert "complained_org" in refused.value.message_dict
    assert "被反映单位" in refused.value.message_dict["complained_org"][0]
    assert not Petition.objects.exists()


def test_the_registering_office_keeps_an_accusation_against_the_government_above_it(district, category):
    # given: the county office registers an accusation against the county government itself
    accusation, created = petition_register(
        data=petition_input(locality=district.county, category=category, petition_type=PetitionType.ACCUSATION,
                            complained_org_id=district.county.pk),
        actor=district.clerk, idempotency_key="retry-1",
    )
    # then: the office still finds it, so a client that retries gets the same petition, not a second one
    assert petition_get_for_user(user=district.clerk, petition_id=accusation.pk) == accusation
    again, created_again = petition_register(
        data=petition_input(locality=district.county, category=category, petition_type=PetitionType.ACCUSATION,
                            complained_org_id=district.county.pk),
        actor=district.clerk, idempotency_key="retry-1",
    )
    assert (created, created_again, again.pk) == (True, False, accusation.pk)
    # but a department of the accused government does not see it
    assert accusation.number not in visible_numbers(district.department_user)


@pytest.mark.parametrize("role, allowed", [
    (Role.INTAKE_CLERK, True), (Role.SUPERVISOR, True), (Role.LEADER, True),
    (Role.STATISTICIAN, False), (Role.ADMINISTRATOR, False),
])
def test_only_roles_that_deal_with_the_petitioner_may_reveal_full_identity(client, district, category, role, allowed):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    petitioner = petition.parties.get().petitioner
    user = user_create(username=f"office-{role}", password="pw-123456", org=district.office, roles=[role])
    client.force_login(user)
    page = client.get(reverse("petition-detail", args=[petition.pk])).content.decode()
    assert ("查看（将被记录）" in page) is allowed
    response = client.post(reverse("petitioner-reveal", args=[petition.pk, petitioner.pk]), {"reason": "核实"})
    if allowed:
        assert petitioner.name in response.content.decode()
    else:
        assert response.status_code == 403 and petitioner.name not in response.content.decode()
        assert not petition.events.filter(kind="personal_data_viewed").exists()


def test_the_admin_pages_hide_an_accusation_from_a_superuser_inside_the_accused_unit(client, district, category):
    accusation, _ = petition_register(
        data=petition_input(locality=district.village_a1, category=category, summary="举报青石镇干部违规收费",
                            petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_a.pk),
        actor=district.clerk,
    )
    root = user_create(username="qingshi-root", password="pw-123456", org=district.township_a,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)
    client.force_login(root)
    for name in ("admin:petitions_petition_changelist", "admin:audit_auditevent_changelist"):
        body = client.get(reverse(name)).content.decode()
        assert accusation.number not in body and "举报青石镇干部" not in body, name
    assert client.get(reverse("admin:petitions_petition_change", args=[accusation.pk])).status_code in (302, 404)
    # while a superuser of the county office sees it there
    office_root = user_create(username="office-root", password="pw-123456", org=district.office,
                              roles=[Role.ADMINISTRATOR], is_superuser=True)
    client.force_login(office_root)
    assert accusation.number in client.get(reverse("admin:petitions_petition_changelist")).content.decode()
