"""Root URLs: staff UI, admin, API."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from xinfang.api.api import api
from xinfang.api.open311 import open311

admin.site.site_header = "法治信访 系统管理"
admin.site.site_title = "法治信访"



def _exempt_from_login_redirect(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API authenticates with bearer tokens itself; the session login redirect must not apply."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt_from_login_redirect(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(pattern.callback)
    return patterns


# The Swagger UI page (/api/v1/docs): django-ninja's own template with swagger-ui served from our static files
# ("ninja" in INSTALLED_APPS), its start-up code in a static file and its settings in a JSON data block, so
# scripts and styles keep the strict policy. Only images are wider: swagger-ui.css draws its icons from data:
# URLs. Every other page keeps the strict policy (settings CONTENT_SECURITY_POLICY).
API_DOCS_CSP = {
    "img-src": [SELF, "data:"],
}


def _relax_csp_for_api_docs(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "openapi-view":
            pattern.callback = csp_replace(API_DOCS_CSP)(pattern.callback)
    return patterns


api_patterns, api_app_name, api_namespace = api.urls
api_patterns = _relax_csp_for_api_docs(api_patterns)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((_exempt_from_login_redirect(api_patterns), api_app_name), namespace=api_namespace)),
    # Open311 GeoReport v2 for 12345 hotlines (api_key: an API token), outside the session login like the API.
    path("open311/v2/", include((_exempt_from_login_redirect(open311.urls[0]), open311.urls[1]),
                                namespace=open311.urls[2])),
    path("matching/", include("xinfang.matching.urls")),
    path("exchange/review/", include("xinfang.exchange.urls")),  # 导入后待确认的疑似重复信访
    path("stats/", include("xinfang.stats.urls")),
    path("notifications/", include("xinfang.notifications.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("prevention/", include("xinfang.prevention.urls")),
    path("quality/", include("xinfang.quality.urls")),
    path("receptions/", include("xinfang.receptions.urls")),
    path("order/", include("xinfang.order.urls")),
    path("publicity/", include("xinfang.publicity.urls")),
    path("reports/", include("xinfang.reports.urls")),
    path("portal/", include("xinfang.portal.urls")),
    path("privacy/", include("xinfang.privacy.urls")),
    path("audit/", include("xinfang.audit.urls")),  # 审计日志: the security auditor's
    path("accounts/", include("xinfang.orgs.urls")),  # 角色授权: the security administrator's  # public: no login (each view login_not_required)
    path("", include("xinfang.web.urls")),
]

# Error pages in Chinese with the site's layout; only Chinese reasons are shown (xinfang.web.errors). 500 keeps
# Django's handler, which renders 500.html without a request context.
handler403 = "xinfang.web.errors.permission_denied"
handler404 = "xinfang.web.errors.page_not_found"
