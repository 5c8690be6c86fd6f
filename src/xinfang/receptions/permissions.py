"""Who may schedule, record and read the leaders' receptions; checked in the services (the views only mirror it).

- schedule, record, link petitions: the petition office's staff (登记员, 审核员, 督查督办员) for every leader in
  their scope; township and department staff (承办人, 责任单位负责人) for their own leaders (a leader whose org is
  in their scope: the township and its villages, the department) — prevention.permissions.RECORD_ROLES;
- import an office's sheet: the office's 审核员;
- read: anyone in an org, within the scope (orgs.selectors.user_scope_org_ids); a 领导干部 reads too, and sees
  his own schedule, receptions and 包案 ("我的接访"); 领导干部 and 统计员 only read.
"""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.models import Role, User
from xinfang.prevention.permissions import RECORD_ROLES, in_scope, is_office_reviewer

__all__ = ["can_read", "can_record", "can_record_for", "in_scope", "is_leader", "is_office_reviewer",
           "require_reader", "require_recorder"]


def can_read(user: User) -> bool:
    return user.is_superuser or user.org_id is not None


def can_record(user: User) -> bool:
    return user.is_superuser or (user.org_id is not None and user.has_role(*RECORD_ROLES))


def can_record_for(user: User, org_id: int) -> bool:
    """May record a reception of a leader of this org (the org lies in the user's scope)."""
    return can_record(user) and in_scope(user, org_id)


def is_leader(user: User) -> bool:
    return user.has_role(Role.LEADER)


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied("当前用户未分配所属机构，不能查看领导接访台账")


def require_recorder(user: User, *, action: str) -> None:
    if not can_record(user):
        raise PermissionDenied(f"“{action}”须由信访部门或镇街、部门的工作人员（登记员、审核员、督查督办员、承办人、"
                               "责任单位负责人）办理；领导干部、统计员只能查看")
