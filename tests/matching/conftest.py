"""Matching fixtures: a city office above the county, and registration helpers."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import timezone

from tests.conftest import petition_input
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import PetitionerInput, petition_register


@dataclass
class City:
    office: Org
    clerk: User


@pytest.fixture
def city(actors) -> City:
    office = org_create(name="滨江市信访局", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.CITY,
                        parent=actors.city, number_prefix="BJXF")
    clerk = user_create(username="city-clerk", password="pw-123456", org=office, roles=[Role.INTAKE_CLERK])
    return City(office=office, clerk=clerk)


def when(month: int, day: int = 1, year: int = 2026) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def register(district, category, *, actor=None, person: PetitionerInput | None = None, people=None,
             key: str | None = None, **overrides) -> Petition:
    """Register through the real service; the default is a wage-arrears letter from 张小三."""
    overrides.setdefault("received_at", when(3, 2))
    if people is not None or person is not None:
        overrides["petitioners"] = people if people is not None else [person]
    data = petition_input(locality=overrides.pop("locality", district.township_a), category=category, **overrides)
    petition, _ = petition_register(data=data, actor=actor or district.clerk, idempotency_key=key)
    return petition


@pytest.fixture
def fake_index(monkeypatch):
    """Matching reads text similarity through the index's interface; here a small exact stand-in."""
    from tests.matching import fake_index as fake
    from xinfang.matching import text

    monkeypatch.setattr(text, "_services", fake.module)
    return fake


@pytest.fixture
def no_index(monkeypatch):
    from xinfang.matching import text

    monkeypatch.setattr(text, "_services", lambda: None)
