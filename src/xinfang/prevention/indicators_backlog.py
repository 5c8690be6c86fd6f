"""The backlog ledgers' indicators, joined to the prevention section (prevention.indicators.SECTION)."""

from xinfang.stats.ledgers import Breakdown, Ledger, LedgerIndicator

LEDGERS: tuple[Ledger, ...] = ()
INDICATORS: tuple[LedgerIndicator, ...] = ()
PERIOD_RULES: dict[str, str] = {}
DIMENSION_LABELS: dict[str, str] = {}
BREAKDOWNS: tuple[Breakdown, ...] = ()


def group_labels(dimension: str, keys: list) -> dict | None:
    """Names of a breakdown's groups for this module's own dimensions; None for a dimension it does not know."""
    return None
