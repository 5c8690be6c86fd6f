"""The rollup gives exactly the live figures: the hand-counted year, built, then changed through the services.

Each check computes the figures twice from the same StatsQuery, through the cells (q.view set) and live
(q.view None), and requires that the cells were really read (rollup.reader is not None).
"""

from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import act
from tests.stats.conftest import register
from xinfang.petitions.models import Channel, Petition
from xinfang.stats import rollup
from xinfang.stats.indicators import INDICATORS, INDICATORS_BY_KEY, compute
from xinfang.stats.models import RollupCell, RollupDirty
from xinfang.stats.selectors import stats_filters_parse, stats_query
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db

PERIODS = [(date(2025, 1, 1), date(2025, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31)),
           (date(2025, 4, 1), date(2025, 6, 30)), (date(2025, 3, 1), date(2025, 3, 31)),
           (date(2025, 4, 1), date(2025, 4, 30)), (date(2025, 11, 1), date(2025, 11, 30)),
           (date(2026, 1, 1), date(2026, 3, 31))]


@pytest.fixture(autouse=True)
def rollup_on():
    with override_settings(XINFANG_STATS_ROLLUP=True):
        yield


def assert_rollup_equals_live(user, *, by=None, **filters) -> None:
    for start, end in PERIODS:
        q = stats_query(user=user, filters=stats_filters_parse(start=start, end=end, **filters))
        assert rollup.reader(q, by=by, indicators=INDICATORS) is not None, (start, end, by)
        assert compute(q, by=by) == compute(replace(q, view=None), by=by), (start, end, by, filters)


def test_a_built_rollup_gives_every_live_figure_of_the_hand_counted_year(year, actors):
    # given
    cells = rollup.rebuild()
    # then
    assert cells > 0
    for user in (None, actors.clerk, actors.handler):
        for by in (None, "channel", "category", "unit"):
            assert_rollup_equals_live(user, by=by)


def test_filters_the_cells_hold_are_read_from_them(year, actors, district):
    rollup.rebuild()
    assert_rollup_equals_live(actors.clerk, channel=Channel.VISIT)
    assert_rollup_equals_live(actors.clerk, unit=str(district.township_a.pk), by="channel")
    assert_rollup_equals_live(None, unit="none", by="category")


def test_actions_corrections_and_repeats_after_the_build_keep_the_cells_equal_to_live(year, actors, district,
                                                                                        category):
    # given
    rollup.rebuild()
    # when: p8 is replied, p6's rejection corrected away, and a new petition linked as a repeat of p1
    act(year.p["p8"], "reply", actors.head, on=date(2025, 12, 20), outcome="supported", facts="经查属实。",
        decision="责令支付。", legal_basis="《保障农民工工资支付条例》")
    petition_correct(petition_id=year.p["p6"].pk, actor=actors.reviewer, reason="误操作")
    repeat = register(district, category, date(2025, 6, 10))
    Petition.objects.filter(pk=repeat.pk).update(first_petition=year.p["p1"])
    # then
    assert RollupDirty.objects.exists()
    for user in (None, actors.clerk, actors.handler):
        assert_rollup_equals_live(user, by="unit")
    assert not RollupDirty.objects.exists()
    assert rollup.verify() == []


def test_verify_finds_a_damaged_cell_and_repair_rewrites_it(year):
    # given
    rollup.rebuild()
    cell = RollupCell.objects.filter(key="registered__num", node=rollup.ALL, kind="y").first()
    RollupCell.objects.filter(pk=cell.pk).update(value=cell.value + 5)
    # when
    differences = rollup.verify(repair=True)
    # then
    assert [(d.stored, d.live) for d in differences] == [(cell.value + 5, cell.value)]
    assert rollup.verify() == []


def test_a_running_period_and_an_unaligned_range_are_read_live(year, actors):
    rollup.rebuild(today=date(2025, 12, 15))
    running = stats_query(user=None, filters=stats_filters_parse(start="2025-12-01", end="2025-12-31"),
                          today=date(2025, 12, 15))
    unaligned = stats_query(user=None, filters=stats_filters_parse(start="2025-03-02", end="2025-04-30"))
    assert rollup.reader(running, by=None, indicators=INDICATORS) is None
    assert rollup.reader(unaligned, by=None, indicators=INDICATORS) is None


def test_the_stats_command_verifies_and_rebuilds(year, capsys):
    call_command("stats", "rebuild")
    call_command("stats", "verify")
    assert "一致" in capsys.readouterr().out


def test_advance_stores_the_periods_closed_since_the_build_and_they_equal_live(year, actors):
    # given: built on 15 December 2025, December and 2025 are still running
    rollup.rebuild(today=date(2025, 12, 15))
    december = stats_query(user=actors.clerk, filters=stats_filters_parse(start="2025-12-01", end="2025-12-31"),
                           today=date(2026, 2, 1))
    assert rollup.reader(december, by=None, indicators=INDICATORS) is None
    # when: an action after the build, then the advance on 1 February 2026
    act(year.p["p8"], "reply", actors.head, on=date(2025, 12, 20), outcome="supported", facts="经查属实。",
        decision="责令支付。", legal_basis="《保障农民工工资支付条例》")
    added = rollup.advance(today=date(2026, 2, 1))
    # then: December, the fourth quarter, 2025 and January 2026
    assert added == 4
    for start, end in ((date(2025, 12, 1), date(2025, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
                       (date(2026, 1, 1), date(2026, 1, 31))):
        q = replace(december, start=start, end=end)
        assert rollup.reader(q, by=None, indicators=INDICATORS) is not None
        assert compute(q, by="unit") == compute(replace(q, view=None), by="unit")
    assert rollup.verify() == []


def test_the_dashboards_overdue_list_is_the_overdue_drill_down(year, actors):
    from xinfang.stats import selectors

    for start, end in PERIODS:
        q = stats_query(user=actors.clerk, filters=stats_filters_parse(start=start, end=end))
        expected = set(INDICATORS_BY_KEY["overdue"].petitions(q).values_list("pk", flat=True))
        assert set(selectors._overdue_petitions(q).values_list("pk", flat=True)) == expected
    assert expected  # the last period (2026 Q1) has overdue matters: the comparison is not of two empty sets


def test_the_worker_queues_one_advance_and_each_run_queues_the_next(settings, year):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from xinfang.stats.tasks import ADVANCE_TASK_PATH, rollup_advance_ensure, rollup_advance_periodic

    # given: the worker's backend, which can defer, and a rollup built in December 2025
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rollup.rebuild(today=date(2025, 12, 15))
    # when: two worker starts, then the task runs
    assert rollup_advance_ensure() is True
    assert rollup_advance_ensure() is False
    result = rollup_advance_periodic.call()
    # then: the periods closed since (up to yesterday) are stored, and the next run waits
    assert result["periods"] > 0
    assert rollup.verify() == []
    assert DBTaskResult.objects.filter(task_path=ADVANCE_TASK_PATH, status=TaskResultStatus.READY).count() == 2
