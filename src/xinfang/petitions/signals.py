"""Signals the petitions app sends, so later stages (the procedure) react without petitions importing them."""

from django.dispatch import Signal

petition_registered = Signal()
"""Sent inside the registration's transaction, after the petition and its parties are saved.

Keyword arguments: `petition` (the new Petition). Receivers write in the same transaction, so a failure
rolls the registration back: nothing half-registered.
"""
