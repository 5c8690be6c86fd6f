from django.urls import path

from xinfang.prevention import urls_backlog, urls_referrals, views_assessments, views_disputes
from xinfang.stats import views_ledgers

app_name = "prevention"

urlpatterns = [
    # The section's figures and drill-downs are the statistics' ledger pages (stats.views_ledgers).
    path("", views_ledgers.figures_page, {"section": "prevention"}, name="figures"),
    path("indicators/<slug:key>/", views_ledgers.indicator_records, {"section": "prevention"}, name="indicator"),
    # 矛盾纠纷排查化解 (views_disputes.py)
    path("disputes/", views_disputes.dispute_list, name="disputes"),
    path("disputes/new/", views_disputes.dispute_new, name="dispute-new"),
    path("disputes/export.xlsx", views_disputes.dispute_export, name="dispute-export"),
    path("disputes/import/", views_disputes.dispute_import, name="dispute-import"),
    path("disputes/<int:pk>/", views_disputes.dispute_detail, name="dispute-detail"),
    path("disputes/<int:pk>/edit/", views_disputes.dispute_edit, name="dispute-edit"),
    path("disputes/<int:pk>/settle/", views_disputes.dispute_settle, name="dispute-settle"),
    path("disputes/<int:pk>/verify/", views_disputes.dispute_verify, name="dispute-verify"),
    path("campaigns/", views_disputes.campaign_list, name="campaigns"),
    path("campaigns/new/", views_disputes.campaign_form, name="campaign-new"),
    path("campaigns/<int:pk>/", views_disputes.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views_disputes.campaign_form, name="campaign-edit"),
]

urlpatterns += [
    # 社会稳定风险评估 and 重大决策事项 (views_assessments.py)
    path("assessments/", views_assessments.assessment_list, name="assessments"),
    path("assessments/new/", views_assessments.assessment_form, name="assessment-new"),
    path("assessments/export.xlsx", views_assessments.assessment_export, name="assessment-export"),
    path("assessments/import/", views_assessments.assessment_import, name="assessment-import"),
    path("assessments/<int:pk>/", views_assessments.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", views_assessments.assessment_form, name="assessment-edit"),
    path("assessments/<int:pk>/file/", views_assessments.assessment_file, name="assessment-file"),
    path("assessments/<int:pk>/review/", views_assessments.assessment_review, name="assessment-review"),
    path("decisions/", views_assessments.decision_list, name="decisions"),
    path("decisions/new/", views_assessments.decision_form, name="decision-new"),
    path("decisions/<int:pk>/", views_assessments.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/edit/", views_assessments.decision_form, name="decision-edit"),
]

# 积案/包案 and 访调对接: their own URL modules.
urlpatterns += urls_backlog.urlpatterns + urls_referrals.urlpatterns
