"""The 访调对接 and 导入诉讼 sentence of 预防法治化, from the hand-computed 2026 of tests/prevention/test_referral_indicators.py.

County 2026: 对接 R1 R2 R3 R5 R6 = 5 (移交日期), 调解成功 R1 R4 R5 = 3 (结果日期), 成功率 R1 R5 of the 5 = 40%,
涉及 10.50+20.00+5.25+3.00+1.00 = 39.75万元, 到位 8.00+30.00+2.50 = 40.50万元; 导入诉讼 B1 B2 B4 = 3批,
12+5+2 = 19件, 120.00+45.60+0.35 = 165.95万元.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.prevention.test_referral_indicators import fixture  # noqa: F401
from tests.reports.test_reports import _text
from xinfang.reports.content import REFERRALS, draft
from xinfang.reports.services import report_generate

pytestmark = pytest.mark.django_db
YEAR_2026 = dict(start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 2))
SENTENCE_2026 = ("通过访调对接移交人民调解、诉前调解等5件，调解成功3件，调解成功率40%，涉及金额39.75万元，调解到位金额40.50万元；"
                 "引导3批19件165.95万元纠纷通过诉讼解决。")


def test_referral_sentence_in_the_prevention_section(district, staff, fixture, client):  # noqa: F811
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR_2026)
    sections = {item.section.slug: item for item in draft("annual", report.figures)}
    assert SENTENCE_2026 in sections["prevention"].sentences
    assert SENTENCE_2026 in _text(report)
    client.force_login(staff.statistician)
    for key in REFERRALS.keys:  # each figure of the sentence is its drill-down
        figure = report.figures[key]
        assert key in sections["prevention"].keys
        context = client.get(figure["url"]).context
        if figure["kind"] == "rate":
            assert context["total"] == int(figure["numerator"]), key
        elif figure["kind"] in ("amount", "sum"):
            field = context["indicator"].numerator.sum_field
            assert sum(getattr(row["record"], field) for row in context["rows"]) == Decimal(figure["value"]), key
        else:
            assert context["total"] == int(figure["value"]), key


def test_referral_sentence_without_referrals_leaves_the_rate_out(district, staff):
    report = report_generate(actor=staff.statistician, kind="quarterly", office=district.office,
                             start=date(2026, 1, 1), end=date(2026, 3, 31), today=date(2026, 12, 2))
    sections = {item.section.slug: item for item in draft("quarterly", report.figures)}
    assert ("通过访调对接移交人民调解、诉前调解等0件，调解成功0件，涉及金额0.00万元，调解到位金额0.00万元；"
            "引导0批0件0.00万元纠纷通过诉讼解决。") in sections["ledgers"].sentences


def test_referral_sentence_missing_figures_are_listed(district, staff):
    report = report_generate(actor=staff.statistician, kind="annual", office=district.office, **YEAR_2026)
    figures = {key: value for key, value in report.figures.items() if not key.startswith("litigation_")}
    sections = {item.section.slug: item for item in draft("annual", figures)}
    assert [sentence.label for sentence in sections["prevention"].missing] == ["访调对接和导入诉讼"]
    assert not any("访调对接" in sentence for sentence in sections["prevention"].sentences)
