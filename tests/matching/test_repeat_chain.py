"""Repeat links (初件/重件): link to the matter's first petition, undo, split; audited and in the case history."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import act
from tests.matching.conftest import register, when
from xinfang.audit.models import AuditEvent
from xinfang.matching.models import RepeatLinkEvent
from xinfang.matching.selectors import matter_chain, matter_is_final, matter_root_id
from xinfang.matching.services import matter_split, repeat_link, repeat_unlink
from xinfang.orgs.exceptions import RoleRequired
from xinfang.petitions.models import Petition, PetitionStatus


@pytest.fixture
def three(district, category, actors, no_index):
    first = register(district, category, received_at=when(1, 5))
    second = register(district, category, received_at=when(2, 5))
    third = register(district, category, received_at=when(3, 5))
    return first, second, third


def test_link_to_a_repeat_points_at_the_matters_first_petition(three, actors):
    first, second, third = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    # when: the third is linked to the second (itself a repeat)
    repeat_link(actor=actors.clerk, petition_id=third.pk, first_petition_id=second.pk, reason="同一事项")
    third.refresh_from_db()
    assert third.first_petition_id == first.pk
    assert [p.pk for p in matter_chain(petition_id=third.pk)] == [first.pk, second.pk, third.pk]


def test_link_writes_case_event_audit_and_history(three, actors):
    first, second, _ = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一欠薪事项")
    event = second.events.get(kind="repeat_link")
    assert event.title == "关联为重复信访" and event.note == "同一欠薪事项"
    assert event.data["after"] == first.pk
    assert AuditEvent.objects.filter(action="matching.repeat_link", target_id=str(second.pk)).count() == 1
    history = RepeatLinkEvent.objects.get(petition=second)
    assert (history.first_petition_before_id, history.first_petition_after_id) == (None, first.pk)


def test_linking_an_earlier_petition_makes_it_the_first_of_the_matter(three, actors):
    first, second, third = three
    repeat_link(actor=actors.clerk, petition_id=third.pk, first_petition_id=second.pk, reason="同一事项")
    # when: the earliest petition is found to be the same matter too
    repeat_link(actor=actors.clerk, petition_id=first.pk, first_petition_id=third.pk, reason="同一事项")
    assert list(Petition.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
                .values_list("first_petition_id", flat=True)) == [None, first.pk, first.pk]
    assert second.events.get(kind="matter_reroot").data["after"] == first.pk


def test_unlink_makes_the_repeat_a_first_petition_again(three, actors):
    first, second, _ = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    repeat_unlink(actor=actors.reviewer, petition_id=second.pk, reason="诉求不同，误关联")
    second.refresh_from_db()
    assert second.first_petition_id is None
    assert list(RepeatLinkEvent.objects.filter(petition=second).values_list("action", flat=True)) == [
        "link", "unlink"]


def test_unlink_of_a_first_petition_is_refused(three, actors):
    first, second, _ = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    with pytest.raises(ValidationError, match="初件"):
        repeat_unlink(actor=actors.reviewer, petition_id=first.pk, reason="误操作")


def test_split_moves_a_subset_to_a_new_matter_rooted_at_its_earliest(three, actors):
    first, second, third = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    repeat_link(actor=actors.clerk, petition_id=third.pk, first_petition_id=first.pk, reason="同一事项")
    # when: the first and third are split off (the old root goes with them)
    new_root = matter_split(actor=actors.reviewer, petition_ids=[third.pk, first.pk], reason="两件事项被误并")
    assert new_root.pk == first.pk
    for petition in three:
        petition.refresh_from_db()
    assert (first.first_petition_id, second.first_petition_id, third.first_petition_id) == (None, None, first.pk)
    assert matter_root_id(petition_id=second.pk) == second.pk


def test_split_of_the_whole_matter_is_refused(three, actors):
    first, second, _ = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    with pytest.raises(ValidationError, match="至少保留一件"):
        matter_split(actor=actors.reviewer, petition_ids=[first.pk, second.pk], reason="拆分")


def test_link_needs_a_reason_and_a_role_and_writes_nothing_otherwise(three, actors):
    first, second, _ = three
    with pytest.raises(ValidationError):
        repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="  ")
    with pytest.raises(RoleRequired):
        repeat_link(actor=actors.handler, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    second.refresh_from_db()
    assert second.first_petition_id is None
    assert not second.events.filter(kind="repeat_link").exists()


def test_link_to_a_petition_out_of_scope_is_not_found(district, category, actors, no_index):
    mine = register(district, category)
    theirs = register(district, category, locality=district.township_b)
    # the township A user sees only its own petitions
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create

    township_clerk = user_create(username="qs-clerk", password="pw-123456", org=district.township_a,
                                 roles=[Role.INTAKE_CLERK])
    with pytest.raises(Petition.DoesNotExist):
        repeat_link(actor=township_clerk, petition_id=mine.pk, first_petition_id=theirs.pk, reason="同一事项")


def test_chain_is_derived_from_first_petition_set_by_an_import(three):
    first, second, third = three
    # an import writes the column directly, even pointing at a repeat
    Petition.objects.filter(pk=second.pk).update(first_petition=first)
    Petition.objects.filter(pk=third.pk).update(first_petition=second)
    assert matter_root_id(petition_id=third.pk) == first.pk
    assert [p.pk for p in matter_chain(petition_id=second.pk)] == [first.pk, second.pk, third.pk]


def test_a_matter_is_final_when_any_petition_of_its_chain_is_final(three, actors):
    first, second, _ = three
    repeat_link(actor=actors.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    assert matter_is_final(petition_id=second.pk).is_final is False
    # when: the first petition is carried to its final state by the rules
    from datetime import date

    act(first, "forward", actors.clerk, on=date(2026, 1, 6), handling_org=actors.handler.org.pk)
    act(first, "accept", actors.handler, on=date(2026, 1, 7))
    act(first, "reply", actors.head, on=date(2026, 1, 20), outcome="not_supported", facts="经查", decision="不予支持",
        legal_basis="《劳动合同法》")
    act(first, "deliver", actors.handler, on=date(2026, 1, 21), delivery_method="in_person")
    act(first, "finalize", actors.reviewer, on=date(2026, 4, 1))
    first.refresh_from_db()
    assert first.status == PetitionStatus.FINAL
    finality = matter_is_final(petition_id=second.pk)
    assert finality.is_final is True
    assert finality.message == "该事项已终结（第三十六条）：不再受理"
    assert "第三十六条第三款" in finality.rule
