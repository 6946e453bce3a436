from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("<int:page_id>/agree/", views.give, name="give"),
    path("<int:page_id>/stop/", views.withdraw, name="withdraw"),
]
