"""Placeholder: the referrals ledger's models (filled by its own change)."""
