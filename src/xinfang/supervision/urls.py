from django.urls import path

from xinfang.supervision import views

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
