from django.urls import path

from xinfang.receptions import views
from xinfang.stats import views_ledgers

app_name = "receptions"

urlpatterns = [
    path("", views.reception_list, name="receptions"),
    # The section's figures and drill-downs are the statistics' ledger pages (stats.views_ledgers).
    path("figures/", views_ledgers.figures_page, {"section": "receptions"}, name="figures"),
    path("indicators/<slug:key>/", views_ledgers.indicator_records, {"section": "receptions"}, name="indicator"),
    path("new/", views.reception_new, name="reception-new"),
    path("export.xlsx", views.reception_export, name="reception-export"),
    path("import/", views.reception_import, name="reception-import"),
    path("<int:pk>/", views.reception_detail, name="reception-detail"),
    path("<int:pk>/edit/", views.reception_edit, name="reception-edit"),
    path("<int:pk>/link/", views.reception_link, name="reception-link"),
    path("links/<int:link_id>/", views.link_detail, name="link-detail"),
    path("links/<int:link_id>/instruction/", views.link_instruction, name="link-instruction"),
    path("links/<int:link_id>/remove/", views.link_remove, name="link-remove"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/public/", views.schedule_public, name="schedules-public"),
    path("schedules/new/", views.schedule_form, name="schedule-new"),
    path("schedules/export.xlsx", views.schedule_export, name="schedule-export"),
    path("schedules/import/", views.schedule_import, name="schedule-import"),
    path("schedules/<int:pk>/", views.schedule_detail, name="schedule-detail"),
    path("schedules/<int:pk>/edit/", views.schedule_form, name="schedule-edit"),
    path("schedules/<int:pk>/publish/", views.schedule_publish, name="schedule-publish"),
    path("schedules/<int:pk>/cancel/", views.schedule_cancel, name="schedule-cancel"),
]
