from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("", views.my_history, name="mine"),
    path("<int:page_id>/agree/", views.give, name="give"),
    path("<int:page_id>/stop/", views.withdraw, name="withdraw"),
]

manage_patterns = (
    [path("<uuid:public_id>/", views.manage_history, name="history")],
    "consent_manage",
)
