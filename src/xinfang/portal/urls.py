from django.urls import path  # noqa: F401  (the portal's public pages are added here; each is login_not_required)

app_name = "portal"

urlpatterns: list = []
