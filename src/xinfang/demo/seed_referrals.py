"""Demo data of the 访调对接 and 导入诉讼 ledgers (filled by the referrals change)."""

from datetime import date


def seed_referrals(*, today: date) -> str:
    return "访调对接：暂无演示数据"
