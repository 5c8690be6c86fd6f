"""Who may record, verify and read the prevention ledgers; checked in the services (the views only mirror it).

- record and edit (纠纷, 排查, 风险评估, 重大决策事项): township and department staff (承办人, 责任单位负责人) and the
  petition office's staff (登记员, 审核员, 督查督办员), for places in their scope;
- verify a settlement (化解核实) and review a 备案: the petition office's 审核员 (Role.REVIEWER);
- import an office's sheet: the office's 审核员 (the rows come in as the office's own verified ledger);
- read: anyone in an org, within the scope (orgs.selectors.user_scope_org_ids); 领导干部 and 统计员 only read.
"""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import user_scope_org_ids

RECORD_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.HANDLER, Role.HANDLING_ORG_HEAD)


def can_read(user: User) -> bool:
    return user.is_superuser or user.org_id is not None


def can_record(user: User) -> bool:
    return user.is_superuser or (user.org_id is not None and user.has_role(*RECORD_ROLES))


def is_office_reviewer(user: User) -> bool:
    return user.is_superuser or (user.org is not None and user.org.kind == Org.Kind.PETITION_OFFICE
                                 and user.has_role(Role.REVIEWER))


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied("当前用户未分配所属机构，不能查看矛盾预防台账")


def require_recorder(user: User, *, action: str) -> None:
    if not can_record(user):
        raise PermissionDenied(f"“{action}”须由镇街、部门或信访部门的工作人员（登记员、审核员、督查督办员、承办人、"
                               "责任单位负责人）办理；领导干部、统计员只能查看")


def require_office_reviewer(user: User, *, action: str) -> None:
    if not is_office_reviewer(user):
        raise PermissionDenied(f"“{action}”须由信访部门的审核员办理")


def in_scope(user: User, org_id: int) -> bool:
    scope = user_scope_org_ids(user=user)
    return scope is None or org_id in scope
