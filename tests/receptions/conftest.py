"""Receptions fixtures: the district's people in each role, its leaders, visit petitions, a reception input."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import petition_input
from xinfang.orgs.models import Role, User
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.services import petition_register
from xinfang.receptions.services import ReceptionInput, ScheduleInput


@dataclass
class People:
    office_clerk: User  # 信访办 登记员: schedules, records, registers
    office_reviewer: User  # 信访办 审核员: also imports
    township_a: User  # 青石镇 承办人: records for 青石镇's leaders
    township_b: User  # 白沙镇 承办人
    statistician: User  # 信访办 统计员: reads only
    county_leader: User  # 区领导 (清溪区人民政府)
    township_leader: User  # 青石镇 领导
    township_b_leader: User  # 白沙镇 领导


@pytest.fixture
def people(district) -> People:
    def user(username, org, role, name=""):
        return user_create(username=username, password="pw-123456", org=org, roles=[role], full_name=name)

    return People(
        office_clerk=district.clerk,
        office_reviewer=user("r-reviewer", district.office, Role.REVIEWER, "审核员乙"),
        township_a=district.township_a_user,
        township_b=district.township_b_user,
        statistician=user("r-stats", district.office, Role.STATISTICIAN, "统计员丙"),
        county_leader=user("r-county-leader", district.county, Role.LEADER, "赵立新"),
        township_leader=user("r-qingshi-leader", district.township_a, Role.LEADER, "钱镇长"),
        township_b_leader=user("r-baisha-leader", district.township_b, Role.LEADER, "孙镇长"),
    )


def schedule_input(*, leader: User, **overrides) -> ScheduleInput:
    values = dict(leader_id=leader.pk, scheduled_on=date(2026, 3, 10), slot="morning", place="区信访接待中心",
                  kind="day", topics="欠薪讨薪")
    values.update(overrides)
    return ScheduleInput(**values)


def reception_input(*, leader: User, **overrides) -> ReceptionInput:
    values = dict(leader_id=leader.pk, received_on=date(2026, 3, 10), place="区信访接待中心", kind="day", batches=3,
                  person_times=7, amount=Decimal("36.50"), summary="接待欠薪群众", instructions="依法依规、限期办结")
    values.update(overrides)
    return ReceptionInput(**values)


def visit(district, category, *, locality=None, day=10, summary="反映某建筑公司拖欠农民工工资", **overrides) -> Petition:
    petition, _ = petition_register(data=petition_input(
        locality=locality or district.township_a, category=category, channel=Channel.VISIT, summary=summary,
        received_at=timezone.make_aware(datetime(2026, 3, day, 9, 30)), **overrides), actor=district.clerk)
    return petition
