from django.urls import path

from xinfang.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="regenerate"),
    path("<int:pk>/narrative/<slug:section>/", views.narrative_edit, name="narrative"),
    path("<int:pk>/section/<slug:section>/", views.report_section, name="section"),
    path("<int:pk>/chart/<slug:chart>.png", views.report_chart, name="chart"),
    path("<int:pk>/check/", views.report_check, name="check"),
    path("<int:pk>/download.<str:fmt>", views.report_download, name="download"),
]
