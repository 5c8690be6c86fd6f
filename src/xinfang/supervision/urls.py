from django.urls import path

from xinfang.supervision import rankings_views, views
from xinfang.supervision import views_accountability, views_circulars, views_records
from xinfang.supervision import views_instructions

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk_dispatch, name="bulk-dispatch"),
    path("inbox/bulk-assign/", views.bulk_assign, name="bulk-assign"),
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
    # 约谈 and 限期整改 (views_accountability.py)
    path("rectifications/", views_accountability.rectification_list, name="rectifications"),
    path("rectifications/new/<str:kind>/", views_accountability.rectification_new, name="rectification-new"),
    path("rectifications/<int:pk>/", views_accountability.rectification_detail, name="rectification-detail"),
    path("rectifications/<int:pk>/report/", views_accountability.rectification_report,
         name="rectification-report"),
    path("rectifications/<int:pk>/follow-up/", views_accountability.rectification_follow_up,
         name="rectification-follow-up"),
    path("rectifications/<int:pk>/check/", views_accountability.rectification_check, name="rectification-check"),
    path("rectifications/<int:pk>/close/", views_accountability.rectification_close, name="rectification-close"),
    # 通报 (views_circulars.py)
    path("circulars/", views_circulars.circular_list, name="circulars"),
    path("circulars/new/", views_circulars.circular_new, name="circular-new"),
    path("circulars/<int:pk>/", views_circulars.circular_detail, name="circular-detail"),
    path("circulars/<int:pk>/edit/", views_circulars.circular_edit, name="circular-edit"),
    path("circulars/<int:pk>/issue/", views_circulars.circular_issue, name="circular-issue"),
    path("circulars/<int:pk>/correct/", views_circulars.circular_correct, name="circular-correct"),
    path("circulars/<int:pk>/document.docx", views_circulars.circular_document, name="circular-document"),
    # 领导批示 (views_instructions.py; the case page shows its panel)
    path("instructions/", views_instructions.instruction_list, name="instructions"),
    path("instructions/new/", views_instructions.instruction_new, name="instruction-new"),
    path("instructions/<int:pk>/respond/", views_instructions.instruction_respond, name="instruction-respond"),
    path("instructions/<int:pk>/close/", views_instructions.instruction_close, name="instruction-close"),
]
