"""Domain errors of the petitions app."""

from django.core.exceptions import ValidationError


class AttachmentRejected(ValidationError):
    """An upload is too large, of a type not allowed, or not what its name claims."""
