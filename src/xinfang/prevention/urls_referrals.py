"""The 访调对接 and 导入诉讼 ledgers' pages (joined to prevention.urls)."""

from django.urls import path

from xinfang.prevention import views_referrals as views

urlpatterns: list = [
    # 访调对接 (views_referrals.py)
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/new/", views.referral_form, name="referral-new"),
    path("referrals/export.xlsx", views.referral_export, name="referral-export"),
    path("referrals/import/", views.referral_import, name="referral-import"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/edit/", views.referral_form, name="referral-edit"),
    # 导入诉讼
    path("litigations/", views.litigation_list, name="litigation-list"),
    path("litigations/new/", views.litigation_form, name="litigation-new"),
    path("litigations/export.xlsx", views.litigation_export, name="litigation-export"),
    path("litigations/import/", views.litigation_import, name="litigation-import"),
    path("litigations/<int:pk>/", views.litigation_detail, name="litigation-detail"),
    path("litigations/<int:pk>/edit/", views.litigation_form, name="litigation-edit"),
]
