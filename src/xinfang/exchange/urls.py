from django.urls import path

from xinfang.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.review_list, name="review"),
    path("<int:proposal_id>/", views.review_decide, name="review-decide"),
]
