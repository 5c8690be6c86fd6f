"""Errors of the procedure: every refusal names the rule and its article."""

from django.core.exceptions import PermissionDenied, ValidationError


class RuleViolation(ValidationError):
    """The action is not allowed now (wrong state, window passed, bad outcome …); nothing changed."""


class ActionNotPermitted(PermissionDenied):
    """The user's role or org may not take this action on this petition."""


class StaleVersion(ValidationError):
    """Someone acted on the petition since the user loaded it: no lost update, the user reloads."""
