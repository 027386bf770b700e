"""The big screen, the map and the exports, included into the board's urls (namespace `boards`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("screen/<int:pk>/", views.big_screen, name="screen"),
    path("map/<int:pk>/", views.board_map, name="map"),
    path("export/<int:pk>/<str:fmt>/", views.board_export, name="export_board"),
    path("exports/<int:pk>/", views.export_status, name="export"),
    path("exports/<int:pk>/resume/", views.export_resume, name="export_resume"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
