"""Root URLs: staff UI, admin, API."""

from django.contrib import admin
from django.urls import include, path

from xinfang.api.api import api

admin.site.site_header = "法治信访 系统管理"
admin.site.site_title = "法治信访"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("xinfang.web.urls")),
]
