from django.urls import path

from xinfang.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.quality_index, name="index"),
    path("export.xlsx", views.quality_export, name="export"),
    path("find/", views.quality_find, name="find"),
    path("petitions/<int:petition_id>/evaluate/", views.quality_evaluate_view, name="evaluate"),
    path("evaluations/<int:evaluation_id>/", views.quality_detail, name="detail"),
]
