"""Who may read and record 违法信访行为 (a restricted ledger); checked in the services and selectors.

- read and record: the county (or township) petition office's 审核员 and 督查督办员, and the users of a 政法机关
  (公安机关 …) who handle cases (承办人, 责任单位负责人); 领导干部 of either read only; superusers;
- scope: a petition office's its organ's subtree (orgs.selectors.user_scope_org_ids); a 政法机关's the subtree of
  the level of government it belongs to (a county 公安局 sees the county's incidents);
- everyone else (登记员, township and department staff, 统计员, the three administrators, portal users): nothing.
"""

from django.core.exceptions import PermissionDenied

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.selectors import org_jurisdiction, org_subtree, user_scope_org_ids

OFFICE_RECORD_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
POLITICAL_LEGAL_RECORD_ROLES = (Role.HANDLER, Role.HANDLING_ORG_HEAD, Role.REVIEWER, Role.SUPERVISOR)
DENIED = "违法信访行为记录仅限信访部门审核员、督查督办员、领导干部和政法机关工作人员查看"


def _record_roles(user: User) -> tuple[str, ...]:
    if user.org is None:
        return ()
    if user.org.kind == Org.Kind.PETITION_OFFICE:
        return OFFICE_RECORD_ROLES
    if user.org.kind == Org.Kind.POLITICAL_LEGAL:
        return POLITICAL_LEGAL_RECORD_ROLES
    return ()


def can_record(user: User) -> bool:
    if not user.is_authenticated:
        return False
    roles = _record_roles(user)
    return user.is_superuser or bool(roles) and user.has_role(*roles)


def can_read(user: User) -> bool:
    """The authorisation test of every read path (pages, export, statistics, drill-down, evidence)."""
    if not user.is_authenticated:
        return False
    return can_record(user) or (bool(_record_roles(user)) and user.has_role(Role.LEADER))


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied(DENIED)


def require_recorder(user: User) -> None:
    if not can_record(user):
        raise PermissionDenied("登记违法信访行为须由信访部门审核员、督查督办员或政法机关工作人员办理；领导干部只能查看")


def scope_org_ids(user: User) -> list[int] | None:
    """Org ids whose incidents the user sees (None: all); [] for anyone not authorised."""
    if not can_read(user):
        return []
    if user.is_superuser:
        return None
    if user.org.kind == Org.Kind.POLITICAL_LEGAL:
        return list(org_subtree(org=org_jurisdiction(org=user.org)).values_list("pk", flat=True))
    return user_scope_org_ids(user=user)
