"""Order fixtures: the district's people in every role that may or may not read 违法信访行为, and an incident."""

from dataclasses import dataclass
from datetime import date

import pytest

from xinfang.order.services import IncidentInput, MeasureInput, PersonInput, incident_create
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, user_create

SECRET = "携带汽油瓶在信访接待大厅滋事"


@dataclass
class People:
    reviewer: User  # 信访办 审核员: records, imports
    supervisor: User  # 信访办 督查督办员: records
    office_leader: User  # 信访办 领导干部: reads only
    police: User  # 区公安分局 承办人: records
    police_org: Org
    clerk: User  # 信访办 登记员: nothing
    statistician: User  # 信访办 统计员: nothing
    township: User  # 青石镇 承办人: nothing
    township_leader: User  # 青石镇 领导干部: nothing
    department: User  # 人社局 承办人: nothing
    auditor: User  # 安全审计员: nothing
    superuser: User

    def unauthorised(self) -> list[User]:
        return [self.clerk, self.statistician, self.township, self.township_leader, self.department, self.auditor]

    def authorised(self) -> list[User]:
        return [self.reviewer, self.supervisor, self.office_leader, self.police, self.superuser]


@pytest.fixture
def people(district) -> People:
    police_org = org_create(name="清溪区公安分局", kind=Org.Kind.POLITICAL_LEGAL, level=Org.Level.COUNTY,
                            parent=district.county)

    def user(name, org, role):
        return user_create(username=name, password="pw-123456", org=org, roles=[role])

    superuser = User.objects.create_superuser(username="root", password="pw-123456")
    return People(
        reviewer=user("o-reviewer", district.office, Role.REVIEWER),
        supervisor=user("o-supervisor", district.office, Role.SUPERVISOR),
        office_leader=user("o-leader", district.office, Role.LEADER),
        police=user("police", police_org, Role.HANDLER), police_org=police_org,
        clerk=district.clerk,
        statistician=user("o-stats", district.office, Role.STATISTICIAN),
        township=district.township_a_user,
        township_leader=user("t-leader", district.township_a, Role.LEADER),
        department=district.department_user,
        auditor=user("o-auditor", district.office, Role.AUDITOR),
        superuser=superuser,
    )


def incident_input(*, locality, **overrides) -> IncidentInput:
    values = dict(occurred_on=date(2026, 3, 2), place="区信访接待大厅", kind="trouble_at_reception",
                  description=SECRET, locality_id=locality.pk, persons=[PersonInput(name="赵大勇")],
                  measures=[MeasureInput(kind="dissuade", taken_on=date(2026, 3, 2), organ_name="清溪区信访办")])
    values.update(overrides)
    return IncidentInput(**values)


@pytest.fixture
def incident(district, people):
    return incident_create(data=incident_input(locality=district.township_a), actor=people.reviewer)
