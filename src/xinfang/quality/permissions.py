"""Who evaluates and who reads 质量评查 (the views, the services and the navigation ask the same functions)."""

from xinfang.orgs.models import Org, Role

EVALUATOR_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
# Leaders read the results of their scope; they do not score cases.
READER_ROLES = (*EVALUATOR_ROLES, Role.LEADER)


def can_evaluate(user) -> bool:
    """信访部门审核员 or 督查督办员 of a petition office: the office evaluates the cases of its scope."""
    return (user.is_authenticated and user.org_id is not None and user.org.kind == Org.Kind.PETITION_OFFICE
            and user.has_role(*EVALUATOR_ROLES))


def can_read(user) -> bool:
    """The evaluators, leaders (in an org) and superusers; every list is still filtered by petitions_visible_to."""
    return user.is_authenticated and (user.is_superuser or (user.org_id is not None and user.has_role(*READER_ROLES)))
