from django.urls import path

from xinfang.matching import views

app_name = "matching"

urlpatterns = [
    path("candidates/", views.candidates_view, name="candidates"),
    path("intent/", views.intent_view, name="intent"),
    path("petitions/<int:petition_id>/", views.petition_section, name="petition-section"),
    path("petitions/<int:petition_id>/link/", views.link_view, name="link"),
    path("petitions/<int:petition_id>/unlink/", views.unlink_view, name="unlink"),
    path("petitions/<int:petition_id>/split/", views.split_view, name="split"),
    path("petitions/<int:petition_id>/merge/", views.merge_view, name="merge"),
    path("petitions/<int:petition_id>/merges/<int:merge_id>/unmerge/", views.unmerge_view, name="unmerge"),
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<int:cluster_id>/", views.cluster_detail, name="cluster-detail"),
]
