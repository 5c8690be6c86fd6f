"""Writes to the organisation tree and users."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import SYSTEM_ROLES, Org, Role, User, UserRole
from xinfang.orgs.selectors import user_scope_org_ids


@transaction.atomic
def org_create(
    *,
    name: str,
    kind: str,
    level: str,
    parent: Org | None = None,
    region_code: str = "",
    short_name: str = "",
    number_prefix: str = "",
    actor: User | None = None,
) -> Org:
    """Create an org under `parent` and set its materialised path."""
    org = Org(
        name=name, kind=kind, level=level, parent=parent, region_code=region_code,
        short_name=short_name, number_prefix=number_prefix, path="/pending/",
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit_record(actor=actor, action="org.create", target=org, data={"name": name, "kind": kind})
    return org


def roles_check(roles: Iterable[str]) -> list[str]:
    """The roles, checked against 三权分立: a system role (系统管理员, 安全管理员, 安全审计员) stands alone."""
    role_list = sorted(set(roles))
    unknown = sorted(set(role_list) - set(Role.values))
    if unknown:
        raise ValidationError({"roles": [f"没有这个角色：{'、'.join(unknown)}"]})
    system = [role for role in role_list if role in SYSTEM_ROLES]
    if system and len(role_list) > 1:
        names = "、".join(Role(role).label for role in role_list)
        raise ValidationError({"roles": [
            f"系统管理员、安全管理员、安全审计员须由不同账号担任，且不能兼任业务角色（三权分立）：{names}"]})
    return role_list


@transaction.atomic
def user_roles_set(*, user: User, roles: Iterable[str], actor: User) -> list[str]:
    """Grant and revoke roles: the security administrator's job (or a superuser's), never on one's own account."""
    if not (actor.is_superuser or actor.has_role(Role.SECURITY_ADMIN)):
        raise PermissionDenied("授予或撤销角色须由安全管理员办理")
    if actor.pk == user.pk:
        raise PermissionDenied("不能为自己的账号授予或撤销角色")
    scope = user_scope_org_ids(user=actor)  # a petition office's: its government's subtree
    if scope is not None and user.org_id not in scope:
        raise PermissionDenied("只能为本单位数据范围内的用户授予角色")
    role_list = roles_check(roles)
    before = sorted(user.role_set)
    UserRole.objects.filter(user=user).exclude(role__in=role_list).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in role_list if role not in before])
    user.is_staff = user.is_superuser or Role.ADMINISTRATOR in role_list
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_cache", None)  # the roles cached on the instance
    audit_record(actor=actor, action="user.roles_changed", target=user, data={"before": before, "after": role_list})
    return role_list


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    org: Org | None,
    roles: Iterable[str],
    full_name: str = "",
    is_superuser: bool = False,
    actor: User | None = None,
) -> User:
    """Create a staff user with roles; `is_staff` (admin access) follows the administrator role."""
    role_list = roles_check(roles)
    user = User(
        username=username, full_name=full_name, org=org,
        is_superuser=is_superuser, is_staff=is_superuser or "administrator" in role_list,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in role_list])
    audit_record(actor=actor, action="user.create", target=user, data={"roles": role_list})
    return user


@transaction.atomic
def org_save(*, org: Org, actor: User | None) -> Org:
    """Save an org edited elsewhere (admin), keeping its own and its descendants' paths right."""
    is_new = org.pk is None
    old_path = None if is_new else Org.objects.values_list("path", flat=True).get(pk=org.pk)
    if org.parent_id and org.pk and org.pk in org.parent.ancestor_ids:
        raise ValueError("不能把机构移到它自己的下级机构之下")
    if is_new:
        org.path = "/pending/"
    org.full_clean(exclude=["path"])
    org.save()
    new_path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
    if new_path != org.path or is_new:
        org.path = new_path
        org.save(update_fields=["path"])
    if old_path and old_path != new_path:
        for descendant in Org.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            descendant.path = new_path + descendant.path[len(old_path):]
            descendant.save(update_fields=["path"])
    audit_record(actor=actor, action="org.create" if is_new else "org.update", target=org,
                 data={"name": org.name, "path": org.path})
    return org
