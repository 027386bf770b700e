from django.urls import path

from . import views, views_create, views_settings

app_name = "observation"
urlpatterns = [
    path("", views.index, name="index"),
    path("events/new/", views_create.create, name="create"),
    path("events/<int:pk>/score/", views.score, name="score"),
    path("events/<int:pk>/", views.ranking, name="ranking"),
    path("events/<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("events/<int:pk>/meeting/", views.event_meeting, name="event_meeting"),
    path("flags/propose/", views.flags_propose, name="flags_propose"),
    path("flags/<int:pk>/", views.flags, name="flags"),
    path("village/<str:code>/", views.village, name="village"),
    path("settings/<str:code>/", views_settings.town_settings, name="settings"),
]
