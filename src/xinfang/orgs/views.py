"""角色授权 for the security administrator (安全管理员): the users of the own org and below, and their roles.

Granting and revoking go through orgs.services.user_roles_set (三权分立 checked there, audited, never on one's
own account). The security administrator reads no petition and no audit log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.orgs.models import Role, User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.orgs.services import user_roles_set


def can_grant_roles(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.SECURITY_ADMIN)


def _users_in_reach(actor: User):
    if not can_grant_roles(actor):
        raise PermissionDenied("角色授权由安全管理员办理")
    users = User.objects.select_related("org").prefetch_related("roles").order_by("org__path", "username")
    scope = user_scope_org_ids(user=actor)  # as user_roles_set checks it
    return users if scope is None else users.filter(org_id__in=scope)


def role_list(request: HttpRequest) -> HttpResponse:
    users = _users_in_reach(request.user)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        users = users.filter(username__icontains=query) | users.filter(full_name__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [{"user": user, "roles": sorted(user.role_set)} for user in page]
    return render(request, "orgs/roles.html", {"page": page, "rows": rows, "roles": Role.choices, "q": query})


@require_POST
def role_set(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(_users_in_reach(request.user), pk=user_id)
    try:
        user_roles_set(user=user, roles=request.POST.getlist("roles"), actor=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, f"未能修改 {user}：" + "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"已修改 {user} 的角色")
    return redirect("orgs:roles")
