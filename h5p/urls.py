from django.urls import path

from . import frame, views

app_name = "h5p"

lesson = "lessons/<int:lesson_id>/<str:block_id>/"

urlpatterns = [
    # The lesson page's endpoints (session, CSRF and the view's grant).
    path(lesson + "xapi/", views.xapi, name="xapi"),
    path(lesson + "state/<str:data_type>/<str:sub_content_id>/", views.state, name="state"),
    # The sandboxed player frame's (no cookies: the grant is in the URL).
    path("views/<str:token>/", frame.frame_document, name="frame"),
    path("views/<str:token>/<path:path>", frame.frame_file, name="frame_file"),
    path("player/<str:revision>/<path:path>", frame.player_file, name="player_file"),
    path("libraries/<int:revision>/<path:path>", frame.library_file, name="library_file"),
]
