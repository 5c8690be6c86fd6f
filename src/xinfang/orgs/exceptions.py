"""Domain errors of the orgs app."""

from django.core.exceptions import PermissionDenied


class RoleRequired(PermissionDenied):
    """The acting user lacks every role that the action allows."""
