from django.urls import path

from xinfang.supervision import rankings_views, views
from xinfang.supervision import views_records

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk_dispatch, name="bulk-dispatch"),
    path("inbox/views/", views.saved_view_create, name="saved-view-create"),
    path("inbox/views/<int:view_id>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("rankings/", rankings_views.rankings_page, name="rankings"),
    path("rankings.xlsx", rankings_views.rankings_export, name="rankings-export"),
    # 督办 and 三项建议 (views_records.py)
    path("", views_records.index, name="index"),
    path("records/", views_records.record_list, name="records"),
    path("records/supervision/new/", views_records.supervision_new, name="supervision-new"),
    path("records/supervision/<int:pk>/", views_records.supervision_detail, name="supervision-detail"),
    path("records/supervision/<int:pk>/respond/", views_records.supervision_respond, name="supervision-respond"),
    path("records/supervision/<int:pk>/close/", views_records.supervision_close, name="supervision-close"),
    path("records/supervision/<int:pk>/letter.docx", views_records.supervision_letter, name="supervision-letter"),
    path("records/recommendation/new/", views_records.recommendation_new, name="recommendation-new"),
    path("records/recommendation/<int:pk>/", views_records.recommendation_detail, name="recommendation-detail"),
    path("records/recommendation/<int:pk>/reply/", views_records.recommendation_reply, name="recommendation-reply"),
    path("records/recommendation/<int:pk>/follow-up/", views_records.recommendation_follow_up,
         name="recommendation-follow-up"),
    path("records/recommendation/<int:pk>/close/", views_records.recommendation_close, name="recommendation-close"),
]
