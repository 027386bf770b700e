"""/public/: the no-login public notice (公示) pages and objections."""

from django.urls import path

from . import views_public as views

app_name = "public"
urlpatterns = [
    path("<str:token>/", views.round_page, name="round"),
    path("<str:token>/qr.png", views.round_qr, name="round_qr"),
    path("<str:token>/units/<str:code>/", views.unit_page, name="unit"),
    path("<str:token>/towns/<str:code>/", views.town_page, name="town"),
    path("<str:token>/towns/<str:code>/qr.png", views.town_qr, name="qr"),
    path("<str:token>/towns/<str:code>/print/", views.print_page, name="print"),
]
