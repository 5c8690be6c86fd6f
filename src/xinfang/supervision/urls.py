from django.urls import path

from xinfang.supervision import rankings_views, views

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk_dispatch, name="bulk-dispatch"),
    path("inbox/views/", views.saved_view_create, name="saved-view-create"),
    path("inbox/views/<int:view_id>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("rankings/", rankings_views.rankings_page, name="rankings"),
    path("rankings.xlsx", rankings_views.rankings_export, name="rankings-export"),
]
