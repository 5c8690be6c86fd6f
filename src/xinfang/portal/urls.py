from django.urls import path

from xinfang.portal import views

app_name = "portal"

# Every view is login_not_required (views.py): the public 网上信访 site.
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:step>/", views.guide, name="guide-step"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("channels/", views.channels, name="channels"),
    path("consent/<str:version>/", views.consent, name="consent"),
    path("submit/<slug:kind>/", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("query/", views.query, name="query"),
    path("query/verify/", views.verify, name="verify"),
    path("progress/", views.progress, name="progress"),
    path("progress/evaluate/", views.evaluate, name="evaluate"),
    path("progress/<slug:action>/", views.request_review, name="request-review"),
    path("progress/notices/<int:notice_id>/", views.notice_download, name="notice-download"),
]
