from datetime import date
from decimal import Decimal

from xinfang.reports import wording


def test_percent_two_decimals_where_not_whole():
    assert wording.percent(Decimal("100.00")) == "100%"
    assert wording.percent(Decimal("0.00")) == "0%"
    assert wording.percent(Decimal("12.50")) == "12.50%"
    assert wording.percent("66.67") == "66.67%"
    assert wording.percent(None) == "—"


def test_change_by_sign_and_missing_base():
    assert wording.change_phrase(Decimal("-47.78")) == "同比下降47.78%"
    assert wording.change_phrase(Decimal("300.00")) == "同比增长300%"
    assert wording.change_phrase(Decimal("0")) == "同比持平"
    assert wording.change_phrase(None) == "无上年数据"
    assert wording.change_phrase(None, prefix="环比") == "无上期数据"
    assert wording.change_phrase(Decimal("-2.50"), points=True) == "同比下降2.50个百分点"
    assert wording.changes_phrase([Decimal("-47.78"), Decimal("-50.96")]) == "同比分别下降47.78%、50.96%"
    assert wording.changes_phrase([Decimal("10"), Decimal("-5")]) == "同比增长10%，同比下降5%"
    assert wording.changes_phrase([None, None]) == "无上年数据"


def test_amounts_dates_counts_and_periods():
    assert wording.amount(Decimal("36.5")) == "36.50万元"
    assert wording.amount(0) == "0.00万元"
    assert wording.chinese_date(date(2025, 12, 10)) == "2025年12月10日"
    assert wording.count(47) == "47件"
    assert wording.count(51, "人次") == "51人次"
    assert wording.count(3, "批次") == "3批次"
    assert wording.period_label(date(2025, 1, 1), date(2025, 12, 31)) == "2025年"
    assert wording.period_label(date(2025, 4, 1), date(2025, 6, 30)) == "2025年第二季度"
    assert wording.period_label(date(2025, 2, 1), date(2025, 2, 28)) == "2025年2月"
    assert wording.period_label(date(2025, 2, 3), date(2025, 2, 28)) == "2025年2月3日至2025年2月28日"
