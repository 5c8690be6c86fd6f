"""Role and scope rules, checked by services (not only by views or templates)."""

from collections.abc import Iterable

from xinfang.orgs.exceptions import RoleRequired
from xinfang.orgs.models import Role, User


def require_role(user: User, roles: Iterable[str], *, action: str) -> None:
    """Raise RoleRequired unless the user holds one of `roles` (superusers pass)."""
    allowed = tuple(roles)
    if user.is_superuser or user.has_role(*allowed):
        return
    names = "、".join(Role(role).label for role in allowed)
    raise RoleRequired(f"“{action}”需要以下角色之一：{names}")
