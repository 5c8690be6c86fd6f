"""Demo data of the 矛盾纠纷排查化解 and 社会稳定风险评估 ledgers (filled by the disputes change)."""

from datetime import date


def seed_prevention(*, today: date) -> str:
    return "矛盾纠纷排查、风险评估：暂无演示数据"
