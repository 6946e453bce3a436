"""The reports' URLs, mounted by ``lms/urls.py`` at ``manage/reports/`` under the
namespace ``reports``."""

from django.urls import path

from . import views

management_urls = [
    path("", views.overview, name="overview"),
    path("export.csv", views.overview_csv, name="overview_csv"),
    path("export.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path("packs/", views.packs, name="packs"),
    path("packs/<uuid:pack_id>/", views.pack_download, name="pack_download"),
    path("people/<slug:facility_code>/", views.people, name="people"),
    path("by/<slug:by>/", views.breakdown, name="breakdown"),
    path("items/<int:page_id>/", views.items, name="items"),
]
