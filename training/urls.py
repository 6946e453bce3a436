from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("learn/training/", views.my_training, name="mine"),
    path("learn/training/<int:assignment_id>/ask/", views.request_create, name="ask"),
    path("learn/training/reminders/", views.reminders_set, name="reminders"),
    path("manage/training/", views.compliance_index, name="compliance_index"),
    path("manage/training/requests/", views.requests_list, name="requests"),
    path("manage/training/import/", views.import_upload, name="import"),
    path("manage/training/import/<uuid:import_id>/", views.import_preview, name="import_preview"),
    path("manage/training/requests/<int:request_id>/", views.request_decide, name="decide"),
    path("manage/training/<slug:facility_code>/", views.compliance, name="compliance"),
    path(
        "manage/training/<slug:facility_code>/<int:requirement_id>/",
        views.compliance_people,
        name="people",
    ),
]
