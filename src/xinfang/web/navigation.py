"""The side navigation: each user sees only the pages their roles may open.

Each entry's test is the one its view applies (kept next to each other here so the menu and the views
agree: tests/web/test_navigation.py opens every link shown, and every link hidden, as each role).
"""

from dataclasses import dataclass

from django.urls import reverse

from xinfang.audit.views import can_read_audit_log  # the audit log page's own test
from xinfang.orgs.views import can_grant_roles  # the role page's own test
from xinfang.petitions.reveal_approvals import approvals_pending_for
from xinfang.petitions.services import REGISTER_ROLES
from xinfang.order.permissions import can_read as can_read_order  # the order views' own test
from xinfang.privacy.selectors import is_office_staff  # the privacy views' own test
from xinfang.prevention.permissions import can_read as can_read_prevention  # the prevention views' own test
from xinfang.publicity.permissions import can_read as can_read_publicity  # the publicity views' own test
from xinfang.reports.permissions import can_read as can_read_reports  # the reports views' own test
from xinfang.quality.permissions import can_read as can_read_quality  # the quality views' own test
from xinfang.receptions.permissions import can_read as can_read_receptions
from xinfang.web.views_reveal import can_approve_reveals  # the receptions views' own test


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    accesskey: str = ""
    hint: str = ""  # the keyboard shortcut shown next to the label


def can_register(user) -> bool:
    """As petition_register_view: the registering roles (登记员, 审核员, 系统管理员) or a superuser."""
    return user.is_superuser or user.has_role(*REGISTER_ROLES)


def can_see_statistics(user) -> bool:
    """As stats.selectors.stats_petitions: statistics count a scope, so the user needs an org (or is a superuser)."""
    return user.is_superuser or user.org_id is not None


NAV_INBOX_CAP = 1000  # the menu counts the matters waiting up to this many ("999+"); the inbox itself counts all


def can_see_inbox(user) -> bool:
    """As supervision.inbox.inbox_queryset: the matters waiting on a user are those of the user's org."""
    return user.org_id is not None


def can_import(user) -> bool:
    """As web.views._can_import (and exchange's import_records): superusers only."""
    return user.is_superuser


def nav_items(user) -> list[NavItem]:
    """The entries of the side navigation for this user, in menu order; none for an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_system_only:  # 三权分立: their own pages only, no petition
        return _system_items(user)
    items = []
    if can_register(user):
        items.append(NavItem("登记信访事项", reverse("petition-register"), accesskey="n", hint="Alt+N"))
    if can_see_inbox(user):
        from xinfang.supervision.inbox import inbox_total  # the supervision app reads petitions: no import cycle

        total = inbox_total(user=user, cap=NAV_INBOX_CAP)
        label = f"{NAV_INBOX_CAP - 1}+" if total >= NAV_INBOX_CAP else str(total)
        items.append(NavItem(f"我的待办 ({label})", reverse("supervision:inbox")))
    # Lists and mass matters are filtered to the user's scope by their views: everyone may open them.
    items.append(NavItem("信访事项", reverse("petition-list")))
    items.append(NavItem("涉众事项", reverse("matching:cluster-list")))
    if can_see_statistics(user):
        items.append(NavItem("统计分析", reverse("stats:dashboard")))
    # 督办, 三项建议 and the quarter's 晾晒: like the lists, their pages filter to the user's scope.
    items.append(NavItem("督查督办", reverse("supervision:index")))
    pending_reveals = approvals_pending_for(user=user).count() if can_approve_reveals(user) else 0
    if pending_reveals:  # 检举人身份查看审批: only while a request waits on this custodian
        items.append(NavItem(f"身份查看审批 ({pending_reveals})", reverse("reveal-approvals")))
    if can_read_quality(user):  # 质量评查: the office's reviewers and supervisors, and leaders
        items.append(NavItem("质量评查", reverse("quality:index")))
    if can_read_prevention(user):  # 矛盾预防: everyone in an org, within the scope; leaders read
        items.append(NavItem("矛盾预防", reverse("prevention:figures")))
    if can_read_receptions(user):  # 领导接访: everyone in an org, within the scope
        items.append(NavItem("领导接访", reverse("receptions:receptions")))
    if can_read_order(user):  # 违法信访行为: restricted (the office's reviewers, supervisors, leaders; 政法机关)
        items.append(NavItem("违法信访行为", reverse("order:incidents")))
    if can_read_publicity(user):  # 普法宣传: everyone in an org, within the scope
        items.append(NavItem("普法宣传", reverse("publicity:activities")))
    if can_read_reports(user):  # 报告: the statisticians, reviewers, supervisors and leaders
        items.append(NavItem("报告", reverse("reports:list")))
    if is_office_staff(user):  # 个人信息权利申请 and 保全: the petition office's 登记员 and 审核员
        items.append(NavItem("个人信息保护", reverse("privacy:requests")))
    if can_import(user):
        items.append(NavItem("导入", reverse("import")))
    return items + _system_items(user)


def _system_items(user) -> list[NavItem]:
    items = []
    if can_read_audit_log(user):  # 审计日志: the security auditor (and superusers)
        items.append(NavItem("审计日志", reverse("audit:log")))
    if can_grant_roles(user):  # 角色授权: the security administrator (and superusers)
        items.append(NavItem("角色授权", reverse("orgs:roles")))
    if user.is_staff:  # the Django admin's own test (is_active and is_staff)
        items.append(NavItem("系统管理", reverse("admin:index")))
    return items
