"""超期未化解件数 (prevention_dispute_overdue) against a hand-computed fixture; the figure equals its drill-down.

| 纠纷 | 属地 | 发现 | 化解期限 | state |
|---|---|---|---|---|
| D6 | 青石镇 | 2025-12-20 | 2026-01-31 | 化解中 |
| D1 | 青石镇 | 2026-03-01 | 2026-12-31 | 化解中 |
| D2 | 青石镇 | 2026-03-05 | 2026-11-30 | 核实为未化解 (closed on the ledger: not pending) |
| D4 | 青石镇 | 2026-05-01 | 2026-06-30 | 化解中 |
| D5 | 白沙镇 | 2026-06-01 | 2026-07-01 | 化解 2026-06-20 ✓ |
| D7 | 白沙镇 | 2026-07-01 | 2026-08-01 | 报告已化解 2026-07-25, 待核实 |
| D8 | 白沙镇 | 2026-07-02 | 2026-08-01 | 化解 2026-09-01 ✓ |

The year 2026 (as of 2026-12-02): D6, D4, D7 → 3 (青石镇 2, 白沙镇 1).
January–August 2026 (as of 08-31): D6, D4, D7, D8 (settled only in September) → 4.
"""

from datetime import date

import pytest

from xinfang.prevention.indicators import INDICATORS_BY_KEY
from xinfang.prevention.services_disputes import (
    SettlementInput,
    dispute_create,
    dispute_report_settlement,
    dispute_verify,
)
from xinfang.stats import ledgers
from xinfang.stats.ledgers import LedgerQuery
from tests.prevention.conftest import dispute_input

pytestmark = pytest.mark.django_db
OVERDUE = INDICATORS_BY_KEY["prevention_dispute_overdue"]


@pytest.fixture
def ledger(district, people):
    a, b, reviewer = people.township_a, people.township_b, people.office_reviewer
    made = {}
    for name, locality, actor, found_on, deadline in (
            ("D6", district.township_a, a, date(2025, 12, 20), date(2026, 1, 31)),
            ("D1", district.township_a, a, date(2026, 3, 1), date(2026, 12, 31)),
            ("D2", district.township_a, a, date(2026, 3, 5), date(2026, 11, 30)),
            ("D4", district.township_a, a, date(2026, 5, 1), date(2026, 6, 30)),
            ("D5", district.township_b, b, date(2026, 6, 1), date(2026, 7, 1)),
            ("D7", district.township_b, b, date(2026, 7, 1), date(2026, 8, 1)),
            ("D8", district.township_b, b, date(2026, 7, 2), date(2026, 8, 1))):
        made[name] = dispute_create(data=dispute_input(locality=locality, found_on=found_on, deadline=deadline,
                                                       summary=name), actor=actor)

    def report(name, actor, settlement):
        dispute_report_settlement(dispute_id=made[name].pk, actor=actor, data=settlement)

    report("D2", a, SettlementInput(outcome="unsettled", unsettled_reason="当事人已起诉"))
    report("D5", b, SettlementInput(outcome="settled", settled_on=date(2026, 6, 20), method="mediation"))
    report("D7", b, SettlementInput(outcome="settled", settled_on=date(2026, 7, 25), method="mediation"))
    report("D8", b, SettlementInput(outcome="settled", settled_on=date(2026, 9, 1), method="negotiation"))
    for name in ("D2", "D5", "D8"):
        dispute_verify(dispute_id=made[name].pk, approve=True, actor=reviewer)
    return made


def _listed(q):
    return sorted(dispute.summary for dispute in OVERDUE.records(q))


def _figure(q):
    return ledgers.compute_totals(q, (OVERDUE,))[OVERDUE.key].value


def test_overdue_as_of_the_years_end_or_today(ledger, people):
    q = LedgerQuery(user=people.office_clerk, start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
    assert _listed(q) == ["D4", "D6", "D7"] and _figure(q) == 3


def test_a_dispute_settled_after_the_period_was_overdue_at_its_end(ledger, people):
    q = LedgerQuery(user=people.office_clerk, start=date(2026, 1, 1), end=date(2026, 8, 31), today=date(2026, 12, 2))
    assert _listed(q) == ["D4", "D6", "D7", "D8"] and _figure(q) == 4


def test_each_township_counts_its_own_overdue(ledger, people):
    year = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
    assert _figure(LedgerQuery(user=people.township_a, **year)) == 2
    assert _figure(LedgerQuery(user=people.township_b, **year)) == 1
    assert _listed(LedgerQuery(user=people.township_b, **year)) == ["D7"]


def test_the_list_filter_agrees_with_the_figure_as_of_today(client, ledger, people):
    from django.utils import timezone

    today = timezone.localdate()
    q = LedgerQuery(user=people.office_clerk, start=date(2000, 1, 1), end=today, today=today)
    client.force_login(people.office_clerk)
    page = client.get("/prevention/disputes/?status=overdue").content.decode()
    assert f'<strong id="dispute-count">{_figure(q)}</strong>' in page
    assert _figure(q) >= 3
