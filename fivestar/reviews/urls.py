from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("pack/<int:pk>/", views.pack, name="pack"),
    path("pack/<int:pk>/adjust/", views.pack_adjust, name="adjust"),
    path("exports/<int:pk>/", views.export_status, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("settings/<str:code>/", views.town_settings, name="settings"),
    path("<str:code>/", views.town, name="town"),
    path("<str:code>/compute/", views.compute, name="compute"),
    path("<str:code>/export/", views.export_start, name="export_start"),
]
