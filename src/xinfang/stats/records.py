"""Who sees which refused Art 30 forwarding attempts (workflow.models.RefusedDestination) in the statistics.

Only the registering office's 督查督办员 and 审核员 (for the matters their office registered) and superusers;
never the accused unit, nor anyone else who may see the matter (a township it is located in, a leader).
"""

from django.db.models import QuerySet

from xinfang.orgs.models import Role, User
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.workflow.models import RefusedDestination

REFUSAL_READERS = (Role.SUPERVISOR, Role.REVIEWER)


def refused_destinations_visible_to(*, user: User | None) -> QuerySet[RefusedDestination]:
    """The refusal records `user` may count and list; None is the command line's administrator (all)."""
    records = RefusedDestination.objects.all()
    if user is None or user.is_superuser:
        return records
    if user.org_id is None or not user.has_role(*REFUSAL_READERS):
        return records.none()
    # petitions_visible_to as well: the registering office always sees its matters, but the rule stays one.
    return records.filter(petition__registering_org_id=user.org_id,
                          petition__in=petitions_visible_to(user=user).values("pk"))
