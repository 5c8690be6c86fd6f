"""Reads over the organisation tree, and the data scope that follows from it."""

from django.db.models import QuerySet

from xinfang.orgs.models import Org, User


def org_subtree(*, org: Org) -> QuerySet[Org]:
    """The org and every org below it."""
    return Org.objects.filter(path__startswith=org.path)


def org_jurisdiction(*, org: Org) -> Org:
    """The nearest government at or above `org` (the org itself if there is none)."""
    ancestors = {ancestor.pk: ancestor for ancestor in Org.objects.filter(pk__in=org.ancestor_ids)}
    for pk in reversed(org.ancestor_ids):
        if ancestors[pk].kind == Org.Kind.GOVERNMENT:
            return ancestors[pk]
    return org


def user_scope_root(*, user: User) -> Org | None:
    """The top of the subtree whose data the user sees.

    A petition office works for the whole level of government it belongs to (it registers, forwards and
    supervises every matter of that jurisdiction), so its scope is the jurisdiction; any other org sees
    its own subtree.
    """
    if user.org is None:
        return None
    if user.org.kind == Org.Kind.PETITION_OFFICE:
        return org_jurisdiction(org=user.org)
    return user.org


def user_scope_org_ids(*, user: User) -> list[int] | None:
    """Org ids whose data the user may see, or None for everything (superusers).

    An id list rather than a join: a county has hundreds of orgs, and the list keeps each petition
    query on its own indexes.
    """
    if user.is_superuser:
        return None
    # Cached on the user object, which lives for one request (or one command run): the tree does not
    # change under a request, and every read and action of the request asks again.
    cached = getattr(user, "_scope_org_ids", None)
    if cached is not None:
        return cached
    root = user_scope_root(user=user)
    user._scope_org_ids = [] if root is None else list(org_subtree(org=root).values_list("id", flat=True))
    return user._scope_org_ids
