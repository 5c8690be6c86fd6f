from django.urls import path

from xinfang.supervision import rankings_views, views

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("rankings/", rankings_views.rankings_page, name="rankings"),
    path("rankings.xlsx", rankings_views.rankings_export, name="rankings-export"),
]
