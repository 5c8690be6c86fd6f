"""The demo 积案 and 问题清单: made once through the services, with leaders in charge and a 反流 where retold."""

import pytest
from django.utils import timezone

from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.seed_backlog import seed_backlog
from xinfang.prevention.backlog import BacklogCase, BacklogReflux, ProblemListItem

pytestmark = pytest.mark.django_db


def test_seed_backlog_makes_cases_and_problems_once():
    district = district_build()
    today = timezone.localdate()
    generate_petitions(n=300, seed=3, district=district, until=today, days=190)
    report = seed_backlog(today=today)
    statuses = sorted(BacklogCase.objects.values_list("status", flat=True))
    assert statuses.count("struck_off") >= 2 and "open" in statuses and "reported" in statuses
    assert all(case.leader.has_role("leader") for case in BacklogCase.objects.all())
    assert ProblemListItem.objects.count() == 4
    # the generator's retold matters: their cases were struck off before the repeat came, a 反流 each
    assert BacklogReflux.objects.count() == 2
    assert all(reflux.petition.first_petition_id == reflux.case.petition_id for reflux in BacklogReflux.objects.all())
    assert report.startswith(f"积案 {BacklogCase.objects.count()} 件（反流 {BacklogReflux.objects.count()} 件）")
    assert seed_backlog(today=today) == "积案台账已有数据，未重复生成"
