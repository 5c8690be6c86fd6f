"""Shared by the export and import tests: a petition carried to a delivered, evaluated decision."""

from datetime import date

import pytest

from tests.conftest import act
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create


@pytest.fixture
def delivered(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported",
        facts="经查，拖欠工资属实。", decision="责令公司30日内支付。", legal_basis="《保障农民工工资支付条例》")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(registered, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="mostly_satisfied", rated_by="petitioner")
    registered.refresh_from_db()
    return registered


@pytest.fixture
def importer(district):
    """A superuser of the district's office: the only kind of user who may import."""
    return user_create(username="importer", password="pw-123456", org=district.office,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)
