from django.urls import path

from . import views

app_name = "employability"

urlpatterns = [
    path("learn/record/", views.my_record, name="mine"),
    path("manage/record/<uuid:public_id>/", views.manage_record, name="manage"),
    path("manage/record/<uuid:public_id>/export/", views.manage_export, name="export"),
]
