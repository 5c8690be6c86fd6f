"""The stats test year (tests/stats/conftest.py, counted by hand) and the prevention ledger of 2026."""

from tests.stats.conftest import register, without_matching, year  # noqa: F401
from tests.prevention.conftest import people  # noqa: F401
from tests.prevention.test_indicators import ledger  # noqa: F401

import pytest

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create


@pytest.fixture
def staff(district):
    def make(name, *roles):
        return user_create(username=name, password="pw-123456", org=district.office, roles=list(roles),
                           full_name=name)
    return type("Staff", (), {
        "statistician": make("r-stat", Role.STATISTICIAN), "reviewer": make("r-reviewer", Role.REVIEWER),
        "leader": make("r-leader", Role.LEADER), "supervisor": make("r-super", Role.SUPERVISOR),
        "clerk": district.clerk})
