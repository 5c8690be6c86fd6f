"""Every indicator on the hand-counted year (tests/stats/conftest.py), its drill-down, 同比 and 环比."""

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import act
from tests.stats.conftest import YEAR
from xinfang.petitions.models import HotTopic, Petition
from xinfang.stats.indicators import (
    INDICATORS,
    combine,
    compute,
    compute_totals,
    compute_with_comparisons,
    previous_period,
    same_period_last_year,
)
from xinfang.stats.selectors import StatsFilters, stats_query
from xinfang.workflow.models import Clock
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db

# Counted by hand from the table in conftest.py: (numerator, denominator) for rates, the figure for counts.
EXPECTED_2025 = {
    "registered": 8, "person_times": 13, "batches": 1, "visit_person_times": 6,
    "first_petitions": 7, "repeat_petitions": 1, "repeat_ratio": (1, 8),
    "group_visits": 1, "group_visit_person_times": 6, "skip_level": 1, "litigation_related": 1,
    "channel_letter": 3, "channel_visit": 1, "channel_call": 1, "channel_online_complaint": 2,
    "channel_online_suggestion": 0, "channel_leader_mailbox": 0, "channel_assigned_from_above": 0,
    "channel_hotline_transfer": 1, "online": 2, "online_ratio": (2, 8),
    # p1 p2 p3 p6 p7 p8 decided on time; p4's 15 days ran out undecided; p5 was decided in 2026
    "timely_acceptance_rate": (6, 7),
    # p1 (on the extended due date) p3 p7 on time, p2 a day late; p8 still running, due in 2026
    "on_time_completion_rate": (3, 4),
    "satisfaction_rate": (2, 3),  # p1 satisfied, p7 mostly satisfied, p2 dissatisfied; p3 unevaluated
    # who entered the rating: the petitioner on the portal, or staff (every rating of the test year)
    "satisfaction_rate_petitioner_entered": (0, 0), "satisfaction_rate_staff_entered": (2, 3),
    "completed": 4, "evaluation_rate": (3, 4),
    "completion_rate": (4, 5),  # accepted in 2025: p1 p2 p3 p7 p8; p8 not finished by 31 December
    # only p1: p2 dissatisfied, p3 raised again (p4), p7 went to review
    "resolution_rate": (1, 4),
    "overdue": 3,  # at 31 December 2025: p4 and last year's b1, b2 (their disposition clocks ran out)
    "reviews_requested": 1, "reviews_decided": 1, "reviews_uphold": 0, "reviews_revoke": 1, "reviews_modify": 0,
    "reviews_not_accepted": 0, "re_reviews_requested": 0, "re_reviews_decided": 0, "re_reviews_uphold": 0,
    "re_reviews_revoke": 0, "re_reviews_modify": 0, "re_reviews_not_accepted": 0,
    "reviews_pending": 0, "re_reviews_pending": 0,  # p7's review was decided in April
    "late_entries": 0, "late_entries_beyond_window": 0,  # the year is replayed history (tests/stats/test_backdating.py)
    # 督办, 三项建议, 约谈/限期整改, 通报, 批示 and refusals: none in this year (test_supervision_indicators.py has its own);
    # of the acceptance stage only p4's disposition settled late (its 15 days ran out), as in 及时受理率
    "supervisions": 0, "supervisions_phone": 0, "supervisions_letter": 0, "supervisions_on_site": 0,
    "supervisions_listed": 0, "supervisions_overdue": 0, "recommendations": 0, "recommendations_improve_work": 0,
    "recommendations_improve_policy": 0, "recommendations_accountability": 0, "recommendations_overdue": 0,
    "recommendation_adoption_rate": (0, 0), "disposition_late": 1, "acceptance_notice_late": 0,
    "refused_destinations": 0, "rectifications_interview": 0, "rectifications_order": 0, "rectifications_overdue": 0,
    "circulars_criticism": 0, "circulars_commendation": 0, "instructions": 0, "instructions_overdue": 0,
    "quality_score_rate": (0, 0),  # no case evaluated (tests/quality/ has its own)
}
RATES_2025 = {"repeat_ratio": "12.50", "online_ratio": "25.00", "timely_acceptance_rate": "85.71",
              "on_time_completion_rate": "75.00", "satisfaction_rate": "66.67", "evaluation_rate": "75.00",
              "completion_rate": "80.00", "resolution_rate": "25.00"}


def year_query(start=YEAR[0], end=YEAR[1], user=None, **filters):
    return stats_query(user=user, filters=StatsFilters(start=start, end=end, **filters))


def test_the_expectations_cover_every_declared_indicator():
    assert set(EXPECTED_2025) == {indicator.key for indicator in INDICATORS}


def test_every_indicator_matches_the_hand_count(year):
    figures = compute_totals(year_query())
    got = {key: (figure.numerator, figure.denominator) if figure.denominator is not None else figure.value
           for key, figure in figures.items()}
    assert got == EXPECTED_2025
    assert {key: str(figures[key].value) for key in RATES_2025} == RATES_2025


def test_every_drill_down_lists_as_many_cases_as_its_figure(year):
    q = year_query()
    figures = compute_totals(q)
    for indicator in INDICATORS:
        figure = figures[indicator.key]
        cases = indicator.petitions(q)
        if indicator.kind == "sum":
            assert sum(cases.values_list("person_times", flat=True)) == figure.value, indicator.key
        else:
            assert cases.count() == figure.numerator, indicator.key
        if indicator.denominator is not None:
            assert indicator.petitions(q, "denominator").count() == figure.denominator, indicator.key


def test_the_drill_downs_name_the_hand_counted_cases(year):
    q = year_query()
    by_key = {indicator.key: indicator for indicator in INDICATORS}
    p = year.p

    def cases(key, part="numerator"):
        return set(by_key[key].petitions(q, part))

    assert cases("timely_acceptance_rate", "denominator") == {p[k] for k in ("p1", "p2", "p3", "p4", "p6", "p7", "p8")}
    assert cases("timely_acceptance_rate") == {p[k] for k in ("p1", "p2", "p3", "p6", "p7", "p8")}
    assert cases("on_time_completion_rate") == {p["p1"], p["p3"], p["p7"]}  # p1 within its extension
    assert cases("on_time_completion_rate", "denominator") - cases("on_time_completion_rate") == {p["p2"]}
    assert cases("repeat_petitions") == {p["p4"]}
    assert cases("overdue") == {p["p4"], p["b1"], p["b2"]}
    assert cases("resolution_rate") == {p["p1"]}
    assert cases("reviews_revoke") == {p["p7"]}


def test_an_extended_case_finished_on_its_extended_due_date_is_on_time(year):
    clock = Clock.objects.get(petition=year.p["p1"], kind=Clock.Kind.HANDLING)
    assert clock.extended_days == 30 and clock.stopped_on == clock.statutory_due
    late = Clock.objects.get(petition=year.p["p2"], kind=Clock.Kind.HANDLING)
    assert (late.stopped_on - late.statutory_due).days == 1


def test_a_case_crossing_the_year_counts_where_each_step_happened(year):
    p5 = year.p["p5"]
    in_2025 = year_query()
    in_2026 = year_query(date(2026, 1, 1), date(2026, 1, 31))
    by_key = {indicator.key: indicator for indicator in INDICATORS}
    assert p5 in by_key["registered"].petitions(in_2025)
    assert p5 not in by_key["timely_acceptance_rate"].petitions(in_2025, "denominator")
    assert p5 not in by_key["registered"].petitions(in_2026)
    assert p5 in by_key["timely_acceptance_rate"].petitions(in_2026)


def test_overdue_is_read_at_the_end_of_the_period_or_today(year):
    # p8's handling clock (due January 2026) is running and past due today, not on 31 December 2025
    figures = compute_totals(year_query(date(2026, 1, 1), date(2026, 12, 31)))
    assert figures["overdue"].value == 5  # p4, b1, b2, and p8 and p5 whose handling ran out in 2026


def test_yoy_and_mom_against_last_year(year):
    comparisons = compute_with_comparisons(year_query())
    assert comparisons["registered"].last_year.value == 2
    assert comparisons["registered"].yoy == Decimal("300.00")  # (8 − 2) ÷ 2
    assert comparisons["person_times"].yoy == Decimal("550.00")  # (13 − 2) ÷ 2
    assert comparisons["repeat_ratio"].yoy == Decimal("12.50")  # percentage points: 12.50% − 0.00%
    assert comparisons["registered"].mom == comparisons["registered"].yoy  # a year's previous period is last year
    assert comparisons["repeat_petitions"].yoy is None  # base 0: no percentage ("—")
    assert comparisons["satisfaction_rate"].yoy is None  # no evaluation last year: no rate to compare


def test_a_range_without_data_gives_zeros_and_no_rates(year):
    figures = compute_totals(year_query(date(2020, 1, 1), date(2020, 12, 31)))
    # Counts are zero; every rate has no value (those without one in 2025 too: 建议采纳率)
    assert {figures[key].value for key, expected in EXPECTED_2025.items() if not isinstance(expected, tuple)} == {0}
    assert {figures[key].value for key, expected in EXPECTED_2025.items() if isinstance(expected, tuple)} == {None}
    assert {figures[key].value for key in RATES_2025} == {None}
    assert {figures[key].display for key in RATES_2025} == {"—"}


def test_breakdowns_add_up_to_the_total(year, district):
    q = year_query()
    total = compute_totals(q)
    for by in ("channel", "unit", "category"):
        groups = compute(q, by=by)
        for key in ("registered", "person_times", "completed"):
            assert sum(figures[key].value for figures in groups.values()) == total[key].value, (by, key)
    by_unit = compute(q, by="unit")
    assert by_unit[district.township_a.pk]["on_time_completion_rate"].denominator == 4
    assert by_unit[None]["registered"].value == 2  # p4 never sent, p6 rejected by the office


def test_breakdowns_with_one_group_per_petition_add_up_to_every_total(year):
    q = year_query()
    total = compute_totals(q)
    for by in ("channel", "unit", "category"):
        assert combine(compute(q, by=by)) == total, by


def test_hot_topics_break_down_and_filter(year):
    real_estate, late_delivery = HotTopic.objects.get(code="real_estate"), HotTopic.objects.get(code="late_delivery")
    groups = compute(year_query(), by="hot_topic")
    assert groups[real_estate.pk]["registered"].value == 2  # p2, p3
    assert groups[real_estate.pk]["person_times"].value == 7
    assert groups[real_estate.pk]["on_time_completion_rate"].numerator == 1  # p3 on time, p2 late
    assert groups[late_delivery.pk]["registered"].value == 1
    assert groups[None]["registered"].value == 6  # no hot topic
    filtered = compute_totals(year_query(hot_topic=real_estate))
    assert (filtered["registered"].value, filtered["on_time_completion_rate"].denominator) == (2, 2)


def test_filters_by_channel_and_org(year, district):
    letters = compute_totals(year_query(channel="letter"))
    assert (letters["registered"].value, letters["channel_visit"].value) == (3, 0)
    baisha = compute_totals(year_query(org=district.township_b))
    assert (baisha["registered"].value, baisha["timely_acceptance_rate"].numerator) == (1, 1)


def test_period_helpers():
    assert same_period_last_year(date(2024, 2, 1), date(2024, 2, 29)) == (date(2023, 2, 1), date(2023, 2, 28))
    assert previous_period(date(2025, 4, 1), date(2025, 6, 30)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert previous_period(date(2025, 3, 1), date(2025, 3, 31)) == (date(2025, 2, 1), date(2025, 2, 28))
    assert previous_period(date(2025, 3, 10), date(2025, 3, 19)) == (date(2025, 2, 28), date(2025, 3, 9))


def test_repeat_columns_are_read_as_stored(year):
    assert Petition.objects.filter(first_petition__isnull=False).count() == 1


def test_a_clock_paused_for_a_hearing_is_neither_overdue_nor_late(registered, district, actors):
    # given: accepted on 5 March 2026 (handling due 6 May), in a hearing since 10 March, still today
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "hearing_start", actors.head, on=date(2026, 3, 10))
    clock = Clock.objects.get(petition=registered, kind=Clock.Kind.HANDLING)
    assert clock.statutory_due == date(2026, 5, 6) and clock.paused_since == date(2026, 3, 10)
    # then: after the stored due date it counts neither as overdue nor as a late completion
    q = year_query(date(2026, 5, 1), date(2026, 5, 31))
    figures = compute_totals(q)
    assert (figures["overdue"].value, figures["on_time_completion_rate"].denominator) == (0, 0)


def test_an_action_undone_by_a_correction_no_longer_counts(registered, district, actors):
    # given: a reply, then its correction (the handling clock runs again; the decision is void)
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 3, 20), outcome="explained", facts="经查。",
        decision="解释说明。", legal_basis="《信访工作条例》")
    q = year_query(date(2026, 3, 1), date(2026, 3, 31))
    assert compute_totals(q)["completed"].value == 1
    petition_correct(petition_id=registered.pk, actor=actors.head, reason="误操作")
    # then: nothing is completed in March any more, and the matter is back in handling
    figures = compute_totals(q)
    assert (figures["completed"].value, figures["on_time_completion_rate"].denominator) == (0, 0)
    assert figures["completion_rate"].denominator == 1 and figures["completion_rate"].numerator == 0
