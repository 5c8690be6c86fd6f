"""The stats test year (tests/stats/conftest.py, counted by hand) and the prevention ledger of 2026."""

from tests.stats.conftest import register, without_matching, year  # noqa: F401
from tests.prevention.conftest import people  # noqa: F401
from tests.prevention.test_indicators import ledger  # noqa: F401
