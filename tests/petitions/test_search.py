"""The case list's search box: number, summary words, ID number, phone, and a petitioner's full name."""

from dataclasses import replace

from tests.conftest import petition_input
from xinfang.petitions.selectors import PetitionFilters, petitions_filter, petitions_visible_to
from xinfang.petitions.services import PetitionerInput, petition_register


def _found(user, text: str) -> set[str]:
    queryset = petitions_filter(queryset=petitions_visible_to(user=user), filters=PetitionFilters(text=text))
    return set(queryset.values_list("summary", flat=True))


def test_a_petitioner_is_found_by_full_name_though_names_are_encrypted(district, category):
    wages = petition_input(locality=district.township_a, category=category)
    road = replace(
        petition_input(locality=district.township_a, category=category, summary="反映村道损坏"),
        petitioners=[PetitionerInput(name="欧阳 明", phone="13900001111")],
    )
    for data in (wages, road):
        petition_register(data=data, actor=district.clerk)

    assert _found(district.clerk, "张小三") == {wages.summary}
    # Spaces and full-width letters are folded the same way as at registration.
    assert _found(district.clerk, "欧阳明") == {"反映村道损坏"}
    assert _found(district.clerk, "张小") == set()  # a name matches whole, never by part
    assert _found(district.clerk, "拖欠") == {wages.summary}  # summary words still match


def test_a_phone_finds_its_petitioners_petitions_and_a_digit_reference_its_own(district, category):
    road = replace(
        petition_input(locality=district.township_a, category=category, summary="反映村道损坏"),
        petitioners=[PetitionerInput(name="欧阳 明", phone="13900001111")],
    )
    again = replace(road, summary="村道还是没修")
    order = replace(petition_input(locality=district.township_a, category=category, summary="12345转来的工单"),
                    source_reference="20260302123456")
    for data in (road, again, order, petition_input(locality=district.township_a, category=category)):
        petition_register(data=data, actor=district.clerk)

    assert _found(district.clerk, "139 0000 1111") == {"反映村道损坏", "村道还是没修"}
    assert _found(district.clerk, "20260302123456") == {"12345转来的工单"}  # a work order's number, not a phone
    assert _found(district.clerk, "13900002222") == set()
