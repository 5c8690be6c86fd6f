"""A petition driven to its decision letter (the district and actors come from tests/conftest.py)."""

from datetime import date

import pytest

from tests.conftest import act
from xinfang.petitions.models import Petition

FACTS = "经查，某建筑公司拖欠张小三等12名农民工工资共计8.6万元属实。"
LEGAL_BASIS = "《保障农民工工资支付条例》第三条、第二十九条"


@pytest.fixture
def decided(registered, district, actors) -> Petition:
    """Forwarded to 青石镇, accepted, extended, answered with a 信访处理意见书 (部分支持) on 2026-04-20."""
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "extend", actors.head, on=date(2026, 4, 10), days=10, reason="需调取工程结算资料")
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported",
        facts=FACTS + "\n公司已承认欠薪事实。", decision="责令公司30日内支付拖欠工资。", legal_basis=LEGAL_BASIS)
    return registered
