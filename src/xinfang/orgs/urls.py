from django.urls import path

from xinfang.orgs import views

app_name = "orgs"

urlpatterns = [
    path("roles/", views.role_list, name="roles"),
    path("roles/<int:user_id>/", views.role_set, name="role-set"),
]
