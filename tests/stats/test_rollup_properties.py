"""Property: after any sequence of registrations, procedure actions, corrections and repeat links made through
the real services, and small imports (both engines), once the rollup is built, the cells equal the live computation, for every indicator.

Each example runs in a transaction of its own that is rolled back, so examples start from the same small
district. Checked at the end of each example: `rollup.verify()` (every cell of every node and period against
the live grouped queries), `compute` through the cells against `compute` live for a drawn period and three
readers (no scope, the district office's clerk, a township's handler), and every drill-down's count against
its figure.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import act, petition_input
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.importer import import_file
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import petition_register
from xinfang.stats import rollup
from xinfang.stats.indicators import INDICATORS, compute
from xinfang.stats.selectors import stats_filters_parse, stats_query
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2025, 1, 1)
CHANNELS = (Channel.LETTER, Channel.VISIT, Channel.ONLINE_COMPLAINT)
# "next": the next step of the usual course (forward, accept, reply, deliver, evaluate), drawn most often so
# that examples reach late stages; the others at any time, refused by the rules where they do not apply.
COURSE = ("forward", "accept", "reply", "deliver", "evaluate")
ACTIONS = ("next",) * 6 + ("extend", "reject", "review", "correct", "repeat", "unlink", "import")
PERIODS = ((date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 1, 1), date(2025, 3, 31)),
           (date(2025, 4, 1), date(2025, 6, 30)), (date(2025, 2, 1), date(2025, 2, 28)),
           (date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 5, 1), date(2025, 5, 31)))

DONE: set[str] = set()  # every step some example carried out (the last test checks the examples reached them)

registrations = st.lists(st.tuples(st.integers(0, 120), st.sampled_from(CHANNELS), st.booleans(),
                                   st.integers(1, 8)), min_size=1, max_size=3)
actions = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2), st.integers(1, 40)), max_size=16)


def _step(kind: str, petition: Petition, day: date, world) -> None:
    a, district = world["actors"], world["district"]
    if kind == "forward":
        act(petition, "forward", a.reviewer, on=day, handling_org=district.township_a.pk)
    elif kind == "accept":
        act(petition, "accept", a.handler, on=day)
    elif kind == "reply":
        act(petition, "reply", a.head, on=day, outcome="partly_supported", facts="经查属实。", decision="责令限期支付。",
            legal_basis="《保障农民工工资支付条例》")
    elif kind == "deliver":
        act(petition, "deliver", a.handler, on=day, delivery_method="in_person")
    elif kind == "evaluate":
        rating = ("satisfied", "mostly_satisfied", "dissatisfied")[petition.pk % 3]
        act(petition, "evaluate", a.clerk, on=day, rating=rating, rated_by="petitioner")
    elif kind == "extend":
        act(petition, "extend", a.head, on=day, days=30, reason="需补充调查")
    elif kind == "reject":
        act(petition, "reject", a.reviewer, on=day, rejection_reason="not_a_petition")
    elif kind == "review":
        act(petition, "request_review", a.county_head, on=day, reviewing_org=district.county.pk)
    elif kind == "correct":
        petition_correct(petition_id=petition.pk, actor=a.reviewer, reason="操作有误")


@pytest.fixture
def importer(district):
    """A superuser of the district's office: only they may import (as in tests/exchange)."""
    return user_create(username="importer", password="pw-123456", org=district.office, roles=[Role.ADMINISTRATOR],
                       is_superuser=True)


def _import(world, *, engine: str) -> None:
    world["imports"] += 1
    records = [{**record, "source_system": f"old-{world['imports']}"}
               for record in petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()),
                                              unmask=True)]
    path = world["tmp"] / "in.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    report = import_file(path=path, actor=world["importer"], engine=engine, mode="good_rows")
    assert report.created > 0, report.errors
    world["done"].append(f"import_{engine}")


def _run(world, registered, steps) -> list[Petition]:
    district, category = world["district"], world["category"]
    petitions, last_day, stage = [], {}, {}
    for offset, channel, township_b, persons in registered:
        day = FIRST_DAY + timedelta(days=offset)
        data = petition_input(locality=district.township_b if township_b else district.township_a,
                              category=category, channel=channel, person_times=persons,
                              received_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10)))
        petition, _ = petition_register(data=data, actor=district.clerk)
        petitions.append(petition)
        last_day[petition.pk] = day
    for kind, index, days in steps:
        petition = petitions[index % len(petitions)]
        if kind == "import":  # every petition so far, exported and imported back as another system's records
            _import(world, engine=("bulk", "services")[index % 2])
            continue
        if kind in ("repeat", "unlink"):  # the matching app's column, written with QuerySet.update as it does
            first = petitions[0] if kind == "repeat" and petition.pk != petitions[0].pk else None
            Petition.objects.filter(pk=petition.pk).update(first_petition=first)
            continue
        day = last_day[petition.pk] + timedelta(days=days)
        step = COURSE[stage.get(petition.pk, 0) % len(COURSE)] if kind == "next" else kind
        try:
            _step(step, petition, day, world)
            last_day[petition.pk] = day
            if kind == "next":
                stage[petition.pk] = stage.get(petition.pk, 0) + 1
            world["done"].append(step)
        except (ValidationError, PermissionDenied, Petition.DoesNotExist):  # refused by the rules or the scope
            pass
    return petitions


def _check(world, period, petitions) -> None:
    assert rollup.verify() == []
    start, end = period
    a = world["actors"]
    for user in (None, a.clerk, a.handler):
        q = stats_query(user=user, filters=stats_filters_parse(start=start, end=end))
        assert rollup.reader(q, by="unit", indicators=INDICATORS) is not None
        assert compute(q) == compute(replace(q, view=None))
        assert compute(q, by="unit") == compute(replace(q, view=None), by="unit")
    q = stats_query(user=a.clerk, filters=stats_filters_parse(start=start, end=end))
    figures = compute(q)[None]
    for indicator in INDICATORS:
        if indicator.numerator.source not in rollup.HEAVY or indicator.kind == "sum":
            continue
        figure = figures[indicator.key]
        assert indicator.petitions(q).count() == figure.numerator, indicator.key
        if indicator.denominator is not None:
            assert indicator.petitions(q, "denominator").count() == figure.denominator, indicator.key


@override_settings(XINFANG_STATS_ROLLUP=True)
# Two examples always run, so that every kind of step is exercised whatever is drawn: the whole course with an
# extension and a bulk import; a rejection, a correction, a review, a repeat and an import by the services.
@example(registered=[(10, Channel.LETTER, False, 1), (40, Channel.VISIT, True, 3)],
         steps=[("next", 0, 1), ("next", 0, 2), ("next", 0, 20), ("next", 0, 1), ("next", 0, 3),
                ("next", 1, 1), ("next", 1, 2), ("extend", 1, 20), ("next", 1, 30), ("import", 0, 1)],
         period=PERIODS[0])
@example(registered=[(5, Channel.LETTER, False, 2), (70, Channel.ONLINE_COMPLAINT, False, 1)],
         steps=[("reject", 1, 1), ("correct", 1, 1), ("next", 0, 1), ("next", 0, 2), ("next", 0, 15),
                ("next", 0, 1), ("review", 0, 10), ("repeat", 1, 1), ("import", 1, 1)],
         period=PERIODS[3])
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(registered=registrations, steps=actions, period=st.sampled_from(PERIODS))
def test_rollup_equals_live_after_any_sequence_of_changes(district, category, actors, importer, tmp_path, registered,
                                                          steps, period):
    world = {"district": district, "category": category, "actors": actors, "done": [], "imports": 0,
             "importer": importer, "tmp": tmp_path}
    with transaction.atomic():
        rollup.rebuild()
        petitions = _run(world, registered, steps)
        _check(world, period, petitions)
        DONE.update(world["done"])
        transaction.set_rollback(True)


def test_the_examples_carried_out_every_kind_of_step():
    if not DONE:
        pytest.skip("checks the property test's examples: runs after it, in the same session")
    assert DONE >= {"forward", "accept", "reply", "deliver", "evaluate", "extend", "reject", "correct",
                    "import_bulk", "import_services"}, DONE
