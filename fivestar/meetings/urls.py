"""/meetings/: series and meetings, a meeting's page and its briefing."""

from django.urls import path

from . import views, views_briefing, views_series

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("series/new/", views.new_series, name="new_series"),
    path("series/<int:pk>/", views_series.detail, name="series"),
    path("series/<int:pk>/edit/", views_series.edit, name="series_edit"),
    path("series/<int:pk>/active/", views_series.active, name="series_active"),
    path("new/", views.new_meeting, name="new_meeting"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/decisions/", views.decision, name="decision"),
    path("<int:pk>/briefing/start/", views.briefing_start, name="briefing_start"),
    path("<int:pk>/briefing/progress/", views.briefing_progress, name="briefing_progress"),
    path("<int:pk>/briefing/status/", views_briefing.status, name="briefing_status"),
    path("<int:pk>/briefing/", views_briefing.view, name="briefing"),
    path("<int:pk>/briefing.docx", views_briefing.docx, name="briefing_docx"),
    path("<int:pk>/briefing.pdf", views_briefing.pdf, name="briefing_pdf"),
]
