"""Errors of the procedure: every refusal names the rule and its article."""

from django.core.exceptions import PermissionDenied, ValidationError


class RuleViolation(ValidationError):
    """The action is not allowed now (wrong state, window passed, bad outcome …); nothing changed."""


class ActionNotPermitted(PermissionDenied):
    """The user's role or org may not take this action on this petition."""


class StaleVersion(ValidationError):
    """Someone acted on the petition since the user loaded it: no lost update, the user reloads."""


class AccusedUnitRefused(RuleViolation):
    """Art 30 ¶3: an accusation was about to be sent to the accused unit (or one inside it); refused.

    Raised by checks.destination_allowed and checks.joint_acceptance_fits only. services.petition_act records
    the attempt (workflow.models.RefusedDestination) after the action's transaction has rolled back.
    """

    article = "《信访工作条例》第三十条第三款"

    def __init__(self, message: str, *, field: str, org_id: int) -> None:
        super().__init__({field: [message]})
        self.text = message
        self.field = field
        self.org_id = org_id
