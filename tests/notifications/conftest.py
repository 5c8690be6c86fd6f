"""A handled petition whose 办理期限 runs on 青石镇, with its handler, head and the office's supervisor."""

from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import act
from xinfang.orgs.models import Role, User
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition
from xinfang.workflow.models import Clock


@dataclass
class Case:
    petition: Petition
    clock: Clock
    handler: User
    head: User
    supervisor: User


@pytest.fixture
def case(actors, registered, district) -> Case:
    supervisor = user_create(username="duban", password="pw-123456", org=district.office, roles=[Role.SUPERVISOR])
    for user, email in ((actors.handler, "handler@example.cn"), (actors.head, "head@example.cn"),
                        (supervisor, "duban@example.cn")):
        user.email = email
        user.save(update_fields=["email"])
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 4))
    clock = Clock.objects.get(petition=registered, kind=Clock.Kind.HANDLING, stopped_on__isnull=True)
    return Case(petition=registered, clock=clock, handler=actors.handler, head=actors.head, supervisor=supervisor)
