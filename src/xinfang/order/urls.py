from django.urls import path

from xinfang.order import views

app_name = "order"

urlpatterns = [
    path("", views.incident_list, name="incidents"),
    path("new/", views.incident_create, name="incident-new"),
    path("export/", views.incident_export, name="incident-export"),
    path("import/", views.incident_import, name="incident-import"),
    path("<int:pk>/", views.incident_detail, name="incident-detail"),
    path("<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("<int:pk>/measures/", views.measure_add, name="measure-add"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/persons/<int:person_id>/reveal/", views.person_reveal, name="person-reveal"),
    path("persons/<int:pk>/", views.person_detail, name="person-detail"),
]
