"""三权分立 at the door: an account holding only a system role (系统管理员, 安全管理员, 安全审计员) opens its own
pages and nothing else — no list, case, figure or ledger — so that none of them reads a petition (等保 2.0).
The services refuse them as well (petitions_visible_to gives them nothing); this keeps every other page from
even showing them an empty frame."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from xinfang.orgs.models import Role

COMMON = ("/logout/", "/login/", "/account/2fa/", "/static/", "/api/", "/open311/", "/portal/", "/i18n/")
OWN_PAGES = {Role.ADMINISTRATOR: ("/admin/",), Role.SECURITY_ADMIN: ("/accounts/",), Role.AUDITOR: ("/audit/",)}


class SystemRoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_system_only:
            allowed = COMMON + tuple(prefix for role in user.role_set for prefix in OWN_PAGES.get(role, ()))
            if request.path in ("/", resolve_url(settings.LOGIN_REDIRECT_URL)):  # the landing: their own page
                return redirect(next(prefix for role in sorted(user.role_set) for prefix in OWN_PAGES[role]))
            if not request.path.startswith(allowed):
                raise PermissionDenied("系统管理员、安全管理员、安全审计员不能查看信访业务数据（三权分立）")
        return self.get_response(request)
