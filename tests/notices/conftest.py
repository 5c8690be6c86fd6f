"""The district of tests/conftest.py with every side of the procedure (copied from tests/workflow/conftest.py,
not imported: test modules stay independent), and a petition driven to its decision letter."""

from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import petition_input
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, org_save, user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_register
from xinfang.workflow.services import petition_act

FACTS = "经查，某建筑公司拖欠张小三等12名农民工工资共计8.6万元属实。"
LEGAL_BASIS = "《保障农民工工资支付条例》第三条、第二十九条"


@dataclass
class Actors:
    clerk: User
    reviewer: User
    handler: User
    head: User
    county_head: User
    city_head: User
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
        city=city,
    )


def act(petition, action, actor, on=None, **values):
    return petition_act(petition_id=petition.pk, action=action, actor=actor, values=values, acted_on=on)


@pytest.fixture
def registered(district, category, actors) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


@pytest.fixture
def decided(registered, district, actors) -> Petition:
    """Forwarded to 青石镇, accepted, extended, answered with a 信访处理意见书 (部分支持) on 2026-04-20."""
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "extend", actors.head, on=date(2026, 4, 10), days=10, reason="需调取工程结算资料")
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported",
        facts=FACTS + "\n公司已承认欠薪事实。", decision="责令公司30日内支付拖欠工资。", legal_basis=LEGAL_BASIS)
    return registered
