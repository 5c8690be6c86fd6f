"""Shared fixtures: a small district built through the real services."""

import os
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, org_save, user_create
from xinfang.petitions.models import Category, Channel, HotTopic, Petition, PetitionType
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import PetitionerInput, PetitionInput, petition_register
from xinfang.workflow.services import petition_act

# A test that runs the command line on a SQLite file of its own (a killed process, say) tests the same thing
# whatever the suite's database: scripts/test.sh runs it once, in the SQLite run.
own_sqlite_file = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                     reason="runs `xinfang` on a SQLite file of its own: once, in the SQLite run")

# Valid resident ID numbers (GB 11643 check digits), fictional people.
ID_ZHANG = "11010519491231002X"
ID_LI = "440524198001010013"
ID_WANG = "500112199003077717"
ID_ZHAO = "500112198511203615"


@dataclass
class District:
    county: Org
    office: Org
    township_a: Org
    township_b: Org
    village_a1: Org
    department: Org
    clerk: User
    township_a_user: User
    township_b_user: User
    department_user: User


@pytest.fixture
def district(db) -> District:
    county = org_create(name="清溪区人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY, region_code="500199")
    office = org_create(name="清溪区信访办", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY,
                        parent=county, number_prefix="QXXF")
    township_a = org_create(name="青石镇", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=county,
                            region_code="500199101")
    township_b = org_create(name="白沙镇", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=county,
                            region_code="500199102")
    village_a1 = org_create(name="青石镇桃源村", kind=Org.Kind.VILLAGE, level=Org.Level.VILLAGE, parent=township_a,
                            region_code="500199101201")
    department = org_create(name="清溪区人力社保局", kind=Org.Kind.DEPARTMENT, level=Org.Level.COUNTY, parent=county)
    return District(
        county=county, office=office, township_a=township_a, township_b=township_b, village_a1=village_a1,
        department=department,
        clerk=user_create(username="clerk", password="pw-clerk-123", org=office, roles=[Role.INTAKE_CLERK],
                          full_name="登记员甲"),
        township_a_user=user_create(username="qingshi", password="pw-123456", org=township_a,
                                    roles=[Role.HANDLER]),
        township_b_user=user_create(username="baisha", password="pw-123456", org=township_b,
                                    roles=[Role.HANDLER]),
        department_user=user_create(username="renshe", password="pw-123456", org=department,
                                    roles=[Role.HANDLER]),
    )


@pytest.fixture
def category(db) -> Category:
    # Shipped by a data migration; reloaded because transactional tests flush the tables.
    load_reference_data(Category, HotTopic)
    return Category.objects.get(code="0301")  # 劳动社保 / 欠薪讨薪


def petition_input(*, locality: Org, category: Category, **overrides) -> PetitionInput:
    """A valid registration; override what a test is about."""
    values = dict(
        channel=Channel.LETTER,
        received_at=timezone.make_aware(datetime(2026, 3, 2, 9, 30)),
        summary="反映某建筑公司拖欠农民工工资",
        content="本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。",
        demands="请求督促公司支付拖欠工资。",
        category_id=category.pk,
        petition_type=PetitionType.GRIEVANCE,
        locality_id=locality.pk,
        petitioners=[PetitionerInput(name="张小三", id_number=ID_ZHANG, phone="13812345678",
                                     address="清溪区青石镇桃源村3组")],
    )
    values.update(overrides)
    return PetitionInput(**values)


# --- the procedure: every side of it ------------------------------------------------------------
# The office, a township (handler), the county above it (reviewer) and a city above the county
# (re-reviewer), for the workflow, notices and browser tests.


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


def act(petition: Petition, action: str, actor: User, on=None, **values) -> Petition:
    """Apply one rule to a petition, as an official would on the case page.

    A past day `on` replays history (a past year told step by step), not a late entry (补录): the tests of
    late entries call petition_act themselves (tests/workflow/test_late_entry.py).
    """
    return petition_act(petition_id=petition.pk, action=action, actor=actor, values=values, acted_on=on,
                        replaying=on is not None)


@pytest.fixture
def registered(district, category, actors) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition
