"""Placeholder: the backlog ledger's models (filled by its own change)."""
