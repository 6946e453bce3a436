from django.urls import path

from . import views

app_name = "guidelines"

urlpatterns = [
    path("learn/guidelines/<int:page_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("manage/guidelines/", views.report_index, name="report_index"),
    path("manage/guidelines/<int:page_id>/", views.report, name="report"),
]
