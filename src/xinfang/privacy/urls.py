from django.urls import path

from xinfang.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/export/", views.request_export, name="request-export"),
    path("holds/", views.hold_list, name="holds"),
    path("holds/new/", views.hold_new, name="hold-new"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold-release"),
]
