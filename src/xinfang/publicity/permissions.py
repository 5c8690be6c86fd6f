"""Who records and reads 普法宣传 (checked in the services; the views only mirror it).

- record and edit (活动, 资料入库, 培训, 考试): the staff of the petition office and of townships/departments
  (prevention.permissions.RECORD_ROLES), for an organiser in their own scope;
- read: anyone in an org, within the scope (orgs.selectors.user_scope_org_ids); 领导干部、统计员 only read.
"""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.models import User
from xinfang.prevention.permissions import can_read, can_record, in_scope, is_office_reviewer

__all__ = ["can_read", "can_record", "in_scope", "is_office_reviewer", "require_reader", "require_recorder"]


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied("当前用户未分配所属机构，不能查看普法宣传台账")


def require_recorder(user: User, *, action: str) -> None:
    if not can_record(user):
        raise PermissionDenied(f"“{action}”须由信访部门或镇街、部门的工作人员（登记员、审核员、督查督办员、承办人、"
                               "责任单位负责人）办理；领导干部、统计员只能查看")
