from django.urls import path

from . import views

app_name = "h5p"

lesson = "lessons/<int:lesson_id>/<str:block_id>/"

urlpatterns = [
    path(lesson + "xapi/", views.xapi, name="xapi"),
    path(lesson + "state/<str:data_type>/<str:sub_content_id>/", views.state, name="state"),
    path(lesson + "<path:path>", views.package_file, name="package_file"),
    path("libraries/<int:revision>/<path:path>", views.library_file, name="library_file"),
]
