"""Identity resolution: links by ID number, phone, name+address, name+birth date; merge and exact unmerge."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import ID_LI, ID_WANG
from tests.matching.conftest import register
from xinfang.audit.models import AuditEvent
from xinfang.matching.identity import birth_date_of, name_address_key, normalize_address
from xinfang.matching.models import IdentityLink
from xinfang.matching.selectors import DraftPerson, identity_matches
from xinfang.matching.services import identity_link_dismiss, petitioner_merge, petitioner_unmerge
from xinfang.orgs.exceptions import RoleRequired
from xinfang.petitions.models import PetitionParty, Petitioner
from xinfang.petitions.services import PetitionerInput

pytestmark = pytest.mark.usefixtures("no_index")


def petitioner_of(petition) -> Petitioner:
    return petition.parties.get().petitioner


def test_address_is_compared_simplified_and_without_punctuation():
    assert normalize_address("清溪區 青石鎮桃源村（3組）") == normalize_address("清溪区青石镇桃源村3组")
    assert name_address_key("张小三", "重庆") == ""  # too short an address tells nobody apart


def test_birth_date_comes_from_a_resident_id_only():
    assert birth_date_of(ID_LI) == "19800101"
    assert birth_date_of("91500000MA5U3X7K1Q") == ""


def test_same_phone_links_two_records_with_its_reason(district, category):
    first = register(district, category, person=PetitionerInput(name="李四", phone="13900001111"))
    second = register(district, category, person=PetitionerInput(name="李肆", phone="139 0000 1111"))
    link = IdentityLink.objects.get()
    assert {link.petitioner_a_id, link.petitioner_b_id} == {petitioner_of(first).pk, petitioner_of(second).pk}
    assert (link.method, link.confidence, link.reason) == ("phone", 0.8, "联系电话相同")


def test_same_name_and_address_without_id_links_records(district, category):
    register(district, category, person=PetitionerInput(name="王五", address="清溪区青石镇桃源村3组"))
    register(district, category, person=PetitionerInput(name="王 五", address="清溪區青石鎮桃源村3組"))
    assert IdentityLink.objects.get().method == "name_address"


def test_same_name_and_birth_date_with_different_ids_is_a_weaker_link(district, category):
    # Same birth date, different sequence digits (two valid numbers): a possible typing error or a namesake.
    other = "44052419800101" + "0021"
    from xinfang.petitions.validators import id_check_char

    other = other[:17] + id_check_char(other[:17])
    register(district, category, person=PetitionerInput(name="赵六", id_number=ID_LI))
    register(district, category, person=PetitionerInput(name="赵六", id_number=other))
    link = IdentityLink.objects.get()
    assert (link.method, link.confidence) == ("name_birth_date", 0.6)


def test_different_people_are_not_linked(district, category):
    register(district, category, person=PetitionerInput(name="赵六", id_number=ID_LI, phone="13900001111"))
    register(district, category, person=PetitionerInput(name="钱七", id_number=ID_WANG, phone="13900002222"))
    assert not IdentityLink.objects.exists()


def test_identity_matches_ranks_id_above_phone(district, category):
    by_id = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI))
    by_phone = register(district, category, person=PetitionerInput(name="李四", phone="13900001111"))
    found = identity_matches(people=[DraftPerson(name="李四", id_number=ID_LI, phone="13900001111")])
    assert found[petitioner_of(by_id).pk].method == "id_number"
    assert found[petitioner_of(by_phone).pk].method == "phone"
    assert found[petitioner_of(by_id).pk].confidence > found[petitioner_of(by_phone).pk].confidence


def test_half_typed_id_number_matches_nobody(district, category):
    register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI))
    assert identity_matches(people=[DraftPerson(id_number=ID_LI[:10])]) == {}


def test_dismissed_link_is_kept_and_audited(district, category, actors):
    register(district, category, person=PetitionerInput(name="李四", phone="13900001111"))
    register(district, category, person=PetitionerInput(name="李肆", phone="13900001111"))
    link = identity_link_dismiss(actor=actors.reviewer, link_id=IdentityLink.objects.get().pk, reason="号码转让")
    assert link.dismissed_at is not None
    assert AuditEvent.objects.filter(action="matching.identity_link_dismiss").count() == 1


@pytest.fixture
def two_records(district, category):
    # The same person registered once with an ID number, once (by letter) with only a phone and an address.
    a = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI))
    b = register(district, category, person=PetitionerInput(name="李四", phone="13900001111",
                                                            address="清溪区白沙镇河街12号"))
    return a, b


def test_merge_moves_parties_and_fills_missing_fields(two_records, actors):
    a, b = two_records
    source, target = petitioner_of(b), petitioner_of(a)
    merge = petitioner_merge(actor=actors.reviewer, source_id=source.pk, target_id=target.pk, reason="同一人")
    assert PetitionParty.objects.get(petition=b).petitioner_id == target.pk
    target.refresh_from_db()
    assert (target.phone, target.address) == ("13900001111", "清溪区白沙镇河街12号")
    assert sorted(merge.snapshot["filled"]) == ["address", "phone"]
    assert b.events.get(kind="petitioner_merge").data["target"] == target.pk
    assert AuditEvent.objects.filter(action="matching.petitioner_merge").count() == 1
    # the merged-away record is no longer found by its phone: the target is
    found = identity_matches(people=[DraftPerson(phone="13900001111")])
    assert list(found) == [target.pk]


def test_unmerge_restores_exactly(two_records, actors):
    a, b = two_records
    source, target = petitioner_of(b), petitioner_of(a)
    before = {p.pk: (p.id_number_index, p.phone_index, p.name_index, p.phone, p.address)
              for p in Petitioner.objects.filter(pk__in=[source.pk, target.pk])}
    merge = petitioner_merge(actor=actors.reviewer, source_id=source.pk, target_id=target.pk, reason="同一人")
    # when
    petitioner_unmerge(actor=actors.reviewer, merge_id=merge.pk, reason="核实为两人")
    # then
    after = {p.pk: (p.id_number_index, p.phone_index, p.name_index, p.phone, p.address)
             for p in Petitioner.objects.filter(pk__in=[source.pk, target.pk])}
    assert after == before
    assert PetitionParty.objects.get(petition=b).petitioner_id == source.pk
    merge.refresh_from_db()
    assert merge.unmerged_at is not None and merge.unmerge_reason == "核实为两人"


def test_merge_of_two_parties_of_one_petition_drops_one_and_unmerge_brings_it_back(district, category, actors):
    petition = register(district, category, people=[PetitionerInput(name="李四", id_number=ID_LI),
                                                    PetitionerInput(name="李四", phone="13900001111")])
    first, second = [party.petitioner for party in petition.parties.order_by("position")]
    merge = petitioner_merge(actor=actors.reviewer, source_id=second.pk, target_id=first.pk, reason="重复登记")
    assert list(petition.parties.values_list("petitioner_id", flat=True)) == [first.pk]
    petitioner_unmerge(actor=actors.reviewer, merge_id=merge.pk, reason="撤销")
    assert list(petition.parties.order_by("position").values_list("petitioner_id", "position")) == [
        (first.pk, 0), (second.pk, 1)]


def test_merge_refuses_two_different_id_numbers_and_needs_a_reviewer(district, category, actors):
    a = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI))
    b = register(district, category, person=PetitionerInput(name="李四", id_number=ID_WANG))
    with pytest.raises(ValidationError, match="证件号码不同"):
        petitioner_merge(actor=actors.reviewer, source_id=petitioner_of(b).pk, target_id=petitioner_of(a).pk,
                         reason="同一人")
    with pytest.raises(RoleRequired):
        petitioner_merge(actor=actors.clerk, source_id=petitioner_of(b).pk, target_id=petitioner_of(a).pk,
                         reason="同一人")


def test_unmerge_after_a_later_merge_is_refused(district, category, actors):
    a = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI))
    b = register(district, category, person=PetitionerInput(name="李四", phone="13900001111"))
    c = register(district, category, person=PetitionerInput(name="李四", phone="13900002222"))
    first = petitioner_merge(actor=actors.reviewer, source_id=petitioner_of(b).pk, target_id=petitioner_of(a).pk,
                             reason="同一人")
    petitioner_merge(actor=actors.reviewer, source_id=petitioner_of(c).pk, target_id=petitioner_of(a).pk,
                     reason="同一人")
    with pytest.raises(ValidationError, match="请先撤销其后的合并"):
        petitioner_unmerge(actor=actors.reviewer, merge_id=first.pk, reason="撤销")


def test_backfill_writes_the_same_keys_and_links_as_registration(district, category):
    from django.core.management import call_command

    from xinfang.matching.models import IdentityKey

    register(district, category, person=PetitionerInput(name="王五", address="清溪区青石镇桃源村3组",
                                                        phone="13900001111"))
    register(district, category, person=PetitionerInput(name="王五", address="清溪區青石鎮桃源村3組",
                                                        phone="13900001111"))
    keys = sorted(IdentityKey.objects.values_list("petitioner_id", "kind", "value"))
    links = sorted(IdentityLink.objects.values_list("petitioner_a_id", "petitioner_b_id", "method"))
    IdentityKey.objects.all().delete()
    IdentityLink.objects.all().delete()
    call_command("matching", "identities", stdout=__import__("io").StringIO())
    assert sorted(IdentityKey.objects.values_list("petitioner_id", "kind", "value")) == keys
    assert sorted(IdentityLink.objects.values_list("petitioner_a_id", "petitioner_b_id", "method")) == links
    assert {method for *_, method in links} == {"phone", "name_address"}
