"""Publicity fixtures: the district's people, inputs, stock."""

import importlib
from datetime import date

import pytest

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.publicity.models import ActivityForm, MaterialKind
from xinfang.publicity.services import ActivityInput, receipt_create


@pytest.fixture(autouse=True)
def lists():
    """The lists migration 0002 seeds; a transactional test (the browser's live server) flushes them."""
    from django.apps import apps

    importlib.import_module("xinfang.publicity.migrations.0002_lists").seed(apps, None)


def form_named(name: str) -> ActivityForm:
    return ActivityForm.objects.get(name=name)


def kind_named(name: str) -> MaterialKind:
    return MaterialKind.objects.get(name=name)


REGULATION = "《信访工作条例》单行本"
LEAFLET = "宣传折页"


def activity_input(*, organiser, form="宣讲", materials=(), **overrides) -> ActivityInput:
    values = dict(held_on=date(2026, 3, 2), form_id=form_named(form).pk, topic="《信访工作条例》", place="青石镇文化广场",
                  organiser_id=organiser.pk, person_times=120, audience="群众",
                  materials=tuple((kind_named(name).pk, number) for name, number in materials))
    values.update(overrides)
    return ActivityInput(**values)


@pytest.fixture
def leader(district):
    return user_create(username="pub-leader", password="pw-123456", org=district.township_a, roles=[Role.LEADER])


@pytest.fixture
def stocked(district):
    """500 单行本 and 300 折页 received by the office."""
    receipt_create(kind_id=kind_named(REGULATION).pk, org_id=district.office.pk, received_on=date(2026, 1, 5),
                   quantity=500, source="上级下发", actor=district.clerk)
    receipt_create(kind_id=kind_named(LEAFLET).pk, org_id=district.office.pk, received_on=date(2026, 1, 5),
                   quantity=300, source="印制", actor=district.clerk)
