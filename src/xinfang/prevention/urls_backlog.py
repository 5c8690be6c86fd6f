"""The backlog ledger's pages (joined to prevention.urls)."""

from django.urls import path

from xinfang.prevention import views_backlog as views

urlpatterns: list = [
    # 积案/包案 (views_backlog.py)
    path("backlog/", views.backlog_list, name="backlog-list"),
    path("backlog/new/", views.backlog_new, name="backlog-new"),
    path("backlog/export.xlsx", views.backlog_export, name="backlog-export"),
    path("backlog/import/", views.backlog_import, name="backlog-import"),
    path("backlog/<int:pk>/", views.backlog_detail, name="backlog-detail"),
    path("backlog/<int:pk>/edit/", views.backlog_edit, name="backlog-edit"),
    path("backlog/<int:pk>/entry/", views.backlog_entry, name="backlog-entry"),
    path("backlog/<int:pk>/report/", views.backlog_report, name="backlog-report"),
    path("backlog/<int:pk>/verify/", views.backlog_verify, name="backlog-verify"),
    path("backlog/refluxes/<int:pk>/", views.backlog_reflux, name="backlog-reflux"),
    path("backlog/leaders/<int:pk>/", views.backlog_leader, name="backlog-leader"),
    # 群众信访问题清单
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/new/", views.problem_form, name="problem-new"),
    path("problems/export.xlsx", views.problem_export, name="problem-export"),
    path("problems/import/", views.problem_import, name="problem-import"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", views.problem_form, name="problem-edit"),
    path("problems/<int:pk>/strike/", views.problem_strike, name="problem-strike"),
]
