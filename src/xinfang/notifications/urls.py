from django.urls import path

from xinfang.notifications import views, views_sms

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("sms/petitions/<int:petition_id>/consent/", views_sms.sms_consent_view, name="petitioner-sms-consent"),
]
