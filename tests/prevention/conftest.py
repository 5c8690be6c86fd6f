"""Prevention fixtures: the district's people in each role, the seeded lists, a dispute input."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from xinfang.orgs.models import Role, User
from xinfang.orgs.services import user_create
from xinfang.prevention.lists import AssessmentKind, CampaignKind, DisputeField
from xinfang.prevention.reference_data import lists_seed
from xinfang.prevention.services_disputes import DisputeInput


@dataclass
class People:
    office_clerk: User  # 信访办 登记员: records
    office_reviewer: User  # 信访办 审核员: records, verifies, reviews 备案, imports
    township_a: User  # 青石镇 承办人: records for 青石镇 and its villages
    township_b: User  # 白沙镇 承办人
    village_leader: User  # a 领导干部 of 青石镇: reads only
    department: User  # 人社局 承办人


@pytest.fixture
def people(district) -> People:
    lists_seed(field_model=DisputeField, campaign_kind_model=CampaignKind, assessment_kind_model=AssessmentKind)
    return People(
        office_clerk=district.clerk,
        office_reviewer=user_create(username="p-reviewer", password="pw-123456", org=district.office,
                                    roles=[Role.REVIEWER], full_name="审核员乙"),
        township_a=district.township_a_user,
        township_b=district.township_b_user,
        village_leader=user_create(username="p-leader", password="pw-123456", org=district.township_a,
                                   roles=[Role.LEADER]),
        department=district.department_user,
    )


def field_named(name: str) -> DisputeField:
    return DisputeField.objects.get(name=name)


def dispute_input(*, locality, responsible_org=None, **overrides) -> DisputeInput:
    values = dict(
        source="grid", field_id=field_named("欠薪讨薪/双拖欠").pk, summary="某工地拖欠农民工工资",
        parties="王某等12名农民工；某建筑公司", person_times=12, amount=Decimal("36.50"), locality_id=locality.pk,
        risk_level="high", responsible_org_id=(responsible_org or locality).pk, responsible_person="李镇长",
        found_on=date(2026, 3, 2), deadline=date(2026, 12, 31), measures="约谈企业负责人，督促支付",
    )
    values.update(overrides)
    return DisputeInput(**values)
