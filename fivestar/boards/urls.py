from django.urls import include, path

from . import views

app_name = "boards"
urlpatterns = [
    path("", views.index, name="index"),
    path("town/<int:pk>/", views.town, name="town"),
    path("unit/<int:pk>/", views.unit, name="unit"),
    path("cell/<int:village>/<str:code>/", views.cell, name="cell"),
    path("", include("fivestar.boards.screens.urls")),  # the big screen, the map and the exports
]
