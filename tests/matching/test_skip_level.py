"""越级: registered two or more levels above the authority, with no petition on the matter below."""

import pytest

from tests.matching.conftest import register, when
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.importer import import_records
from xinfang.exchange.models import ImportedRecord
from xinfang.matching.models import SkipLevelMark
from xinfang.matching.services import repeat_link, repeat_unlink
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Channel
from xinfang.petitions.selectors import PetitionFilters

pytestmark = pytest.mark.usefixtures("no_index")


def test_city_office_receiving_a_township_matter_marks_it_skip_level_with_the_reason(district, category, city):
    petition = register(district, category, actor=city.clerk)
    petition.refresh_from_db()
    assert petition.is_skip_level is True
    mark = SkipLevelMark.objects.get(petition=petition)
    assert mark.lower_org == district.county
    assert "越级" in mark.reason and "清溪区信访办" in mark.reason and "青石镇" in mark.reason


def test_county_office_receiving_a_township_matter_is_not_skip_level(district, category, city):
    petition = register(district, category)
    petition.refresh_from_db()
    assert petition.is_skip_level is False
    assert not SkipLevelMark.objects.filter(petition=petition).exists()


def test_city_office_receiving_a_county_department_matter_is_the_level_above(district, category, city):
    petition = register(district, category, actor=city.clerk, complained_org_id=district.department.pk)
    petition.refresh_from_db()
    assert petition.is_skip_level is False


def test_a_matter_assigned_from_above_is_not_skip_level(district, category, city):
    petition = register(district, category, actor=city.clerk, channel=Channel.ASSIGNED_FROM_ABOVE)
    petition.refresh_from_db()
    assert petition.is_skip_level is False


def test_linking_to_an_earlier_county_petition_clears_the_mark_and_unlinking_restores_it(district, category, city):
    county_petition = register(district, category, received_at=when(1, 5))
    city_petition = register(district, category, actor=city.clerk, received_at=when(2, 5))
    city_petition.refresh_from_db()
    assert city_petition.is_skip_level is True
    # when: the city clerk confirms it is the same matter the county already received
    city.clerk.roles.create(role="reviewer")
    city.clerk = type(city.clerk).objects.get(pk=city.clerk.pk)
    repeat_link(actor=city.clerk, petition_id=city_petition.pk, first_petition_id=county_petition.pk,
                reason="同一事项")
    city_petition.refresh_from_db()
    assert city_petition.is_skip_level is False
    assert county_petition.number in SkipLevelMark.objects.get(petition=city_petition).reason
    # and back
    repeat_unlink(actor=city.clerk, petition_id=city_petition.pk, reason="误关联")
    city_petition.refresh_from_db()
    assert city_petition.is_skip_level is True


def test_a_later_county_petition_does_not_excuse_an_earlier_skip(district, category, city):
    city_petition = register(district, category, actor=city.clerk, received_at=when(1, 5))
    county_petition = register(district, category, received_at=when(2, 5))
    repeat_link(actor=city.clerk, petition_id=county_petition.pk, first_petition_id=city_petition.pk,
                reason="同一事项")
    city_petition.refresh_from_db()
    assert city_petition.is_skip_level is True


def test_a_repeat_confirmed_on_the_form_is_applied_before_skip_level_is_decided(district, category, city):
    from xinfang.matching.services import repeat_intent_set

    county_petition = register(district, category, received_at=when(1, 5))
    repeat_intent_set(actor=city.clerk, idempotency_key="form-1", first_petition_id=county_petition.pk)
    city_petition = register(district, category, actor=city.clerk, key="form-1", received_at=when(2, 5))
    city_petition.refresh_from_db()
    assert city_petition.first_petition_id == county_petition.pk
    assert city_petition.is_skip_level is False
    assert city_petition.events.get(kind="repeat_link").note == "登记时确认为重复信访"


@pytest.mark.parametrize("engine", ["services", "bulk"])
def test_an_import_silent_on_skip_level_keeps_the_decision_and_an_explicit_value_wins(district, category, city,
                                                                                       engine):
    register(district, category, actor=city.clerk)
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
    admin = user_create(username="admin", password="pw-123456", org=None, roles=[], is_superuser=True)
    silent = {**record, "source_system": "旧系统", "external_id": "A-1", "number": "", "is_skip_level": None}
    explicit = {**record, "source_system": "旧系统", "external_id": "A-2", "number": "", "is_skip_level": "否"}
    report = import_records(records=[silent, explicit], actor=admin, engine=engine)
    assert report.errors == []
    imported = {record.external_id: record.petition for record in
                ImportedRecord.objects.filter(external_id__in=["A-1", "A-2"]).select_related("petition")}
    assert {key: petition.is_skip_level for key, petition in imported.items()} == {"A-1": True, "A-2": False}
    # The import's own record says what the petition is.
    notes = {key: petition.events.get(kind="imported") for key, petition in imported.items()}
    assert "越级" in notes["A-1"].note and notes["A-1"].data["is_skip_level"] is True
    assert "越级" not in notes["A-2"].note and notes["A-2"].data["is_skip_level"] is False
