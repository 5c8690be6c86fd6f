"""Reads over the organisation tree, and the data scope that follows from it."""

from django.db.models import QuerySet

from xinfang.orgs.models import Org, User


def org_subtree(*, org: Org) -> QuerySet[Org]:
    """The org and every org below it."""
    return Org.objects.filter(path__startswith=org.path)


# Orgs that are a level of government: a 乡镇人民政府 / 街道办事处 governs its township as a 人民政府 its county.
GOVERNING_KINDS = (Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP)


def org_jurisdiction(*, org: Org) -> Org:
    """The nearest level of government at or above `org` (the org itself if there is none)."""
    ancestors = {ancestor.pk: ancestor for ancestor in Org.objects.filter(pk__in=org.ancestor_ids)}
    for pk in reversed(org.ancestor_ids):
        if ancestors[pk].kind in GOVERNING_KINDS:
            return ancestors[pk]
    return org


def user_scope_root(*, user: User) -> Org | None:
    """The top of the subtree whose data the user sees.

    A petition office works for the organ it belongs to (it registers, forwards and supervises every
    matter of that organ's subtree), so its scope is its parent's subtree: a county government's office
    sees the county, a township's office the township, a bureau's office the bureau. Any other org sees its
    own subtree. Only the tree decides, whatever the kind of the parent.
    """
    org = user.org
    if org is None:
        return None
    if org.kind == Org.Kind.PETITION_OFFICE and org.parent_id is not None:
        return Org.objects.get(pk=org.parent_id)
    return org


def user_scope_org_ids(*, user: User) -> list[int] | None:
    """Org ids whose data the user may see, or None for everything (superusers).

    Everything is still less the accusations against the user's own org (petitions_visible_to).

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
