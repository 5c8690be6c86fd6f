"""Fixtures of the supervision records' tests: the office's supervisor, two townships' heads, a case."""

import pytest

from tests.conftest import petition_input
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.services import petition_register


@pytest.fixture
def supervisor(district):
    return user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR],
                       full_name="督办员甲")


@pytest.fixture
def heads(district):
    return {
        "a": user_create(username="qingshi-head", password="pw-123456", org=district.township_a,
                         roles=[Role.HANDLING_ORG_HEAD]),
        "b": user_create(username="baisha-head", password="pw-123456", org=district.township_b,
                         roles=[Role.HANDLING_ORG_HEAD]),
    }


@pytest.fixture
def petition(district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition
