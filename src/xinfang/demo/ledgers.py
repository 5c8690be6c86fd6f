"""The demo's ledgers beside the petitions: receptions, backlog cases, referrals, unlawful-conduct incidents,
publicity — each app's own seed function (src/xinfang/demo/seed_*.py), run after the procedure so that linked
petitions have their outcomes. Each seed adds nothing on a second run and returns one line for the console."""

from collections.abc import Callable
from datetime import date

from django.utils.module_loading import import_string

SEEDS = (
    "xinfang.demo.seed_prevention.seed_prevention",
    "xinfang.demo.seed_receptions.seed_receptions",
    "xinfang.demo.seed_backlog.seed_backlog",
    "xinfang.demo.seed_referrals.seed_referrals",
    "xinfang.demo.seed_order.seed_order",
    "xinfang.demo.seed_publicity.seed_publicity",
)


def ledgers_seed(*, today: date, write: Callable[[str], None]) -> None:
    for path in SEEDS:
        write("    " + import_string(path)(today=today))
