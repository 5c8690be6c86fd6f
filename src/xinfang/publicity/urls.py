from django.urls import path

from xinfang.publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("activities/new/", views.activity_form, name="activity-new"),
    path("activities/export/", views.activity_export, name="activity-export"),
    path("activities/import/", views.activity_import, name="activity-import"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_form, name="activity-edit"),
    path("activities/lines/<int:pk>/", views.activity_line, name="activity-line"),
    path("stock/", views.stock, name="stock"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_form, name="training-new"),
    path("trainings/export/", views.training_export, name="training-export"),
    path("trainings/import/", views.training_import, name="training-import"),
    path("trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", views.training_form, name="training-edit"),
    path("exams/", views.exam_list, name="exams"),
    path("exams/new/", views.exam_form, name="exam-new"),
    path("exams/export/", views.exam_export, name="exam-export"),
    path("exams/import/", views.exam_import, name="exam-import"),
    path("exams/<int:pk>/", views.exam_detail, name="exam-detail"),
    path("exams/<int:pk>/edit/", views.exam_form, name="exam-edit"),
]
