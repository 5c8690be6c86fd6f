"""Reads over the organisation tree."""

from django.db.models import QuerySet

from xinfang.orgs.models import Org, User


def org_subtree(*, org: Org) -> QuerySet[Org]:
    """The org and every org below it."""
    return Org.objects.filter(path__startswith=org.path)


def org_subtree_ids(*, org: Org) -> list[int]:
    """Ids of the subtree; a county has hundreds of orgs, so an id list beats a join per row."""
    return list(org_subtree(org=org).values_list("id", flat=True))


def user_scope_org_ids(*, user: User) -> list[int] | None:
    """Org ids whose data the user may see, or None for everything (superusers)."""
    if user.is_superuser:
        return None
    if user.org_id is None:
        return []
    return org_subtree_ids(org=user.org)
