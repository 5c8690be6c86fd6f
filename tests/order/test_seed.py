from datetime import date

import pytest

from xinfang.demo.seed_order import seed_order
from xinfang.order.models import OrderIncident, OrderMeasure
from xinfang.orgs.models import Org, Role
from xinfang.orgs.services import org_create, user_create

pytestmark = pytest.mark.django_db


def test_seed_makes_the_incidents_once(district):
    org_create(name="清溪区公安分局", kind=Org.Kind.POLITICAL_LEGAL, level=Org.Level.COUNTY, parent=district.county)
    user_create(username="reviewer", password="pw-123456", org=district.office, roles=[Role.REVIEWER])
    assert seed_order(today=date(2026, 11, 30)) == "违法信访行为：3起，处置措施6项"  # 2 + 3 + 1; no 清溪街道 in the fixture
    assert OrderMeasure.objects.filter(kind="public_security_penalty", organ__kind=Org.Kind.POLITICAL_LEGAL).count() == 1
    assert seed_order(today=date(2026, 11, 30)) == "违法信访行为：已有数据，未重复生成"
    assert OrderIncident.objects.count() == 3
