from django.contrib.auth.views import LogoutView
from django.urls import path

from xinfang.web import two_factor, views, views_evidence, views_reveal

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.xinfang_login, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("account/2fa/", two_factor.two_factor_page, name="two-factor"),  # 两步验证 (web.two_factor)
    path("petitions/", views.petition_list, name="petition-list"),
    path("petitions/new/", views.petition_register_view, name="petition-register"),
    path("petitions/lookup/", views.identity_lookup, name="identity-lookup"),
    path("petitions/export/", views.petition_export_view, name="petition-export"),
    path("petitions/<int:petition_id>/", views.petition_detail, name="petition-detail"),
    path("petitions/<int:petition_id>/actions/<slug:action>/", views.petition_action, name="petition-action"),
    path("petitions/<int:petition_id>/correct/", views.petition_correct_view, name="petition-correct"),
    path("petitions/<int:petition_id>/petitioners/<int:petitioner_id>/reveal/",
         views_reveal.petitioner_reveal_view, name="petitioner-reveal"),
    path("petitions/reveal-approvals/", views_reveal.approval_list, name="reveal-approvals"),
    path("petitions/reveal-approvals/<int:approval_id>/", views_reveal.approval_decide, name="reveal-approval-decide"),
    path("petitions/<int:petition_id>/attachments/<int:attachment_id>/",
         views.attachment_download, name="attachment-download"),
    path("petitions/<int:petition_id>/evidence/", views_evidence.evidence_upload, name="evidence-upload"),
    path("petitions/<int:petition_id>/notices/<int:notice_id>/<str:fmt>/",
         views.notice_download, name="notice-download"),
    path("exchange/import/", views.import_view, name="import"),
    path("exchange/import/template.xlsx", views.import_template_view, name="import-template"),
    path("exchange/import/jobs/<int:job_id>/", views.import_job_view, name="import-job"),
    path("exchange/import/jobs/<int:job_id>/progress/", views.import_job_progress_view, name="import-job-progress"),
]
