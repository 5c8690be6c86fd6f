from django.urls import path

from xinfang.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables.xlsx", views.tables_export, name="tables-export"),
    path("indicators/<slug:key>/", views.drilldown, name="drilldown"),
    path("indicators/<slug:key>/cases.xlsx", views.drilldown_export, name="drilldown-export"),
]
