"""Root URLs: staff UI, admin, API."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from xinfang.api.api import api

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


api_patterns, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((_exempt_from_login_redirect(api_patterns), api_app_name), namespace=api_namespace)),
    path("matching/", include("xinfang.matching.urls")),
    path("stats/", include("xinfang.stats.urls")),
    path("", include("xinfang.web.urls")),
]
