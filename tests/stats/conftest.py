"""A hand-counted year: eight petitions of 2025 and two of 2024, carried through the real procedure.

Every figure the tests expect was counted by hand from this list (docs/STATISTICS.md, "The test year"):

| | received | channel | what happens |
|---|---|---|---|
| p1 | 2025-03-03 | letter | forwarded and accepted on time; extended 30 days; replied ON the extended due date; satisfied |
| p2 | 2025-04-01 | visit, 6 persons (group); hot topics 房地产, 逾期交房 | forwarded, accepted; replied one day after the handling due date; dissatisfied |
| p3 | 2025-05-06 | online complaint; hot topic 房地产 | forwarded, accepted, replied early, delivered, never evaluated |
| p4 | 2025-06-02 | online complaint | a repeat of p3, skip-level, litigation-related; never disposed (its 15 days run out) |
| p5 | 2025-12-30 | letter | crosses the year: forwarded on 2026-01-05 (within its 15 days), accepted next day |
| p6 | 2025-07-01 | call, located in 白沙镇 | rejected by the office the next day |
| p7 | 2025-02-03 | letter | forwarded, accepted, replied, delivered, mostly satisfied; review requested, revoked |
| p8 | 2025-11-03 | 12345 transfer | forwarded, accepted; still being handled (due in January 2026) |
| b1, b2 | 2024-05-06, 2024-08-01 | letter | registered, never disposed: last year's base |
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.services import petition_register
from xinfang.petitions.signals import petition_registered
from xinfang.workflow.models import Clock

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
MATCHING = "matching.on_registered"


@pytest.fixture(autouse=True)
def without_matching():
    """Registration here does not run the matching app: this year's 初件/重件 and 越级 are set by hand below.

    Statistics count the stored columns, whoever sets them; the fixture must not depend on how the matching
    app judges eight petitions of one fictional petitioner.
    """
    from xinfang.matching import receivers

    petition_registered.disconnect(dispatch_uid=MATCHING)
    yield
    petition_registered.connect(receivers.on_registered, dispatch_uid=MATCHING)


def received(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 30))


def register(district, category, day: date, *, locality=None, **overrides) -> Petition:
    data = petition_input(locality=locality or district.township_a, category=category, received_at=received(day),
                          **overrides)
    petition, _ = petition_register(data=data, actor=district.clerk)
    return petition


def handling_due(petition: Petition) -> date:
    return Clock.objects.get(petition=petition, kind=Clock.Kind.HANDLING, stopped_on__isnull=True).statutory_due


def forward_accept(petition: Petition, district, actors, day: date) -> None:
    act(petition, "forward", actors.reviewer, on=day + timedelta(days=1), handling_org=district.township_a.pk)
    act(petition, "accept", actors.handler, on=day + timedelta(days=2))


def reply(petition: Petition, actors, on: date) -> None:
    act(petition, "reply", actors.head, on=on, outcome="partly_supported", facts="经查属实。",
        decision="责令限期支付。", legal_basis="《保障农民工工资支付条例》")


@dataclass
class Year:
    p: dict[str, Petition]


@pytest.fixture
def year(district, category, actors) -> Year:
    p = {}
    # p1: extended, replied on the last day of the extension (on time)
    p["p1"] = register(district, category, date(2025, 3, 3))
    forward_accept(p["p1"], district, actors, date(2025, 3, 3))
    act(p["p1"], "extend", actors.head, on=date(2025, 4, 20), days=30, reason="需补充调查")
    extended_due = handling_due(p["p1"])
    reply(p["p1"], actors, extended_due)
    act(p["p1"], "deliver", actors.handler, on=extended_due, delivery_method="in_person")
    act(p["p1"], "evaluate", actors.clerk, on=extended_due + timedelta(days=3), rating="satisfied",
        rated_by="petitioner")
    # p2: a group visit of 6, replied one day late
    p["p2"] = register(district, category, date(2025, 4, 1), channel=Channel.VISIT, person_times=6,
                       hot_topic_codes=["real_estate", "late_delivery"])
    forward_accept(p["p2"], district, actors, date(2025, 4, 1))
    late = handling_due(p["p2"]) + timedelta(days=1)
    reply(p["p2"], actors, late)
    act(p["p2"], "deliver", actors.handler, on=late, delivery_method="in_person")
    act(p["p2"], "evaluate", actors.clerk, on=late + timedelta(days=2), rating="dissatisfied", rated_by="petitioner")
    # p3: replied early, delivered, never evaluated
    p["p3"] = register(district, category, date(2025, 5, 6), channel=Channel.ONLINE_COMPLAINT,
                       hot_topic_codes=["real_estate"])
    forward_accept(p["p3"], district, actors, date(2025, 5, 6))
    reply(p["p3"], actors, date(2025, 5, 20))
    act(p["p3"], "deliver", actors.handler, on=date(2025, 5, 21), delivery_method="electronic")
    # p4: a repeat of p3, skip-level, litigation-related; left undisposed (the matching app sets the two columns)
    p["p4"] = register(district, category, date(2025, 6, 2), channel=Channel.ONLINE_COMPLAINT, litigation_related=True)
    Petition.objects.filter(pk=p["p4"].pk).update(first_petition=p["p3"], is_skip_level=True)
    # p5: received on 30 December, forwarded on 5 January (within its 15 days)
    p["p5"] = register(district, category, date(2025, 12, 30))
    act(p["p5"], "forward", actors.reviewer, on=date(2026, 1, 5), handling_org=district.township_a.pk)
    act(p["p5"], "accept", actors.handler, on=date(2026, 1, 6))
    # p6: a call about 白沙镇, rejected the next day
    p["p6"] = register(district, category, date(2025, 7, 1), channel=Channel.CALL, locality=district.township_b)
    act(p["p6"], "reject", actors.reviewer, on=date(2025, 7, 2), rejection_reason="not_a_petition")
    # p7: mostly satisfied, then a review that revokes the decision
    p["p7"] = register(district, category, date(2025, 2, 3))
    forward_accept(p["p7"], district, actors, date(2025, 2, 3))
    reply(p["p7"], actors, date(2025, 3, 10))
    act(p["p7"], "deliver", actors.handler, on=date(2025, 3, 11), delivery_method="in_person")
    act(p["p7"], "evaluate", actors.clerk, on=date(2025, 3, 12), rating="mostly_satisfied", rated_by="petitioner")
    act(p["p7"], "request_review", actors.county_head, on=date(2025, 4, 1), reviewing_org=district.county.pk)
    act(p["p7"], "decide_review", actors.county_head, on=date(2025, 4, 20), review_outcome="revoke",
        reasons="原处理意见认定事实不清。")
    # p8: still in handling at the end of the year (due in January 2026)
    p["p8"] = register(district, category, date(2025, 11, 3), channel=Channel.HOTLINE_TRANSFER)
    forward_accept(p["p8"], district, actors, date(2025, 11, 3))
    # last year's base: two letters, never disposed
    p["b1"] = register(district, category, date(2024, 5, 6))
    p["b2"] = register(district, category, date(2024, 8, 1))
    return Year(p=p)
