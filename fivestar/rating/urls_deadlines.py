"""截止处理 and its reversal under /rating/ (namespace "rating")."""

from django.urls import path

from . import views_deadlines as views

urlpatterns = [
    path("rounds/<int:pk>/deadlines/", views.round_deadlines, name="round_deadlines"),
    path("rounds/<int:pk>/close-early/", views.close_early_view, name="close_early"),
    path("rounds/<int:pk>/close-overdue/", views.close_overdue_view, name="close_overdue"),
    path("assessments/<int:pk>/restore/", views.restore_view, name="assessment_restore"),
]
