from django.urls import path

from xinfang.stats import views, views_ledgers

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables.xlsx", views.tables_export, name="tables-export"),
    path("indicators/<slug:key>/", views.drilldown, name="drilldown"),
    path("indicators/<slug:key>/cases.xlsx", views.drilldown_export, name="drilldown-export"),
    # The ledgers' figures (stats.ledgers: 矛盾预防, 领导接访 …), one page per section, and their drill-downs.
    path("ledgers/<slug:section>/", views_ledgers.figures_page, name="ledger-figures"),
    path("ledgers/<slug:section>/<slug:key>/", views_ledgers.indicator_records, name="ledger-indicator"),
]
