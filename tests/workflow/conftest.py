"""A district with every side of the procedure: the office, a township (handler), the county above it
(reviewer) and a city above the county (re-reviewer)."""

from dataclasses import dataclass

import pytest

from tests.conftest import petition_input
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, org_save, user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register


@dataclass
class Actors:
    clerk: User
    reviewer: User
    handler: User
    head: User
    county_head: User
    city_head: User
    other_township_head: User
    city: Org


@pytest.fixture
def actors(district) -> Actors:
    city = org_create(name="滨江市人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.CITY, region_code="500100")
    district.county.parent = city
    org_save(org=district.county, actor=None)
    for org in (district.office, district.township_a, district.township_b, district.village_a1, district.department):
        org.refresh_from_db()
    district.clerk.org.refresh_from_db()
    return Actors(
        clerk=district.clerk,
        reviewer=user_create(username="reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER]),
        handler=district.township_a_user,
        head=user_create(username="qingshi-head", password="pw-123456", org=district.township_a,
                         roles=[Role.HANDLING_ORG_HEAD]),
        county_head=user_create(username="county-head", password="pw-123456", org=district.county,
                                roles=[Role.HANDLING_ORG_HEAD]),
        city_head=user_create(username="city-head", password="pw-123456", org=city, roles=[Role.HANDLING_ORG_HEAD]),
        other_township_head=user_create(username="baisha-head", password="pw-123456", org=district.township_b,
                                        roles=[Role.HANDLING_ORG_HEAD]),
        city=city,
    )


@pytest.fixture
def registered(district, category, actors) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition
