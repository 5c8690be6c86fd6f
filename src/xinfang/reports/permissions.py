"""Who may read, generate and write reports (checked in the services and selectors; views only mirror it).

- read: the office's 审核员, 督查督办员, 领导干部, 统计员 (and superusers), for reports of an office in their scope;
- generate/regenerate and edit narratives: the 统计员 and the 审核员 (the numbers come from the data; the words
  are the office's); 领导干部 and 督查督办员 only read.
"""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids

READ_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.LEADER, Role.STATISTICIAN)
WRITE_ROLES = (Role.REVIEWER, Role.STATISTICIAN)


def can_read(user: User) -> bool:
    return user.is_superuser or (user.org_id is not None and user.has_role(*READ_ROLES))


def can_write(user: User) -> bool:
    return user.is_superuser or (user.org_id is not None and user.has_role(*WRITE_ROLES))


def in_scope(user: User, office: Org) -> bool:
    scope = user_scope_org_ids(user=user)
    return scope is None or office.pk in scope


def require_read(user: User, office: Org | None = None) -> None:
    if not can_read(user):
        raise PermissionDenied("报告只供信访部门审核员、督查督办员、领导干部和统计员查看")
    if office is not None and not in_scope(user, office):
        raise PermissionDenied(f"“{office.name}”不在您的数据范围内")


def require_write(user: User, office: Org) -> None:
    if not can_write(user):
        raise PermissionDenied("生成报告和撰写文字段落须由统计员或信访部门审核员办理；领导干部、督查督办员只能查看")
    if not in_scope(user, office):
        raise PermissionDenied(f"“{office.name}”不在您的数据范围内")
