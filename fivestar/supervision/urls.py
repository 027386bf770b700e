"""/supervision/: problem lists and a problem's page with its steps, teams, plans and a town's settings."""

from django.urls import path

from . import views_daily, views_field, views_plans, views_problem, views_problems, views_teams
from .exports import views as export_views

app_name = "supervision"
urlpatterns = [
    path("", views_problems.index, name="index"),
    path("problems/", views_problems.problem_list, name="problems"),
    path("problems/<int:pk>/", views_problem.detail, name="problem"),
    path("problems/<int:pk>/start/", views_problem.start, name="problem_start"),
    path("problems/<int:pk>/rectify/", views_problem.rectify, name="problem_rectify"),
    path("problems/<int:pk>/accept/", views_problem.accept_view, name="problem_accept"),
    path("problems/<int:pk>/reject/", views_problem.reject_view, name="problem_reject"),
    path("problems/<int:pk>/deadline/", views_problem.deadline, name="problem_deadline"),
    path("teams/", views_teams.team_list, name="teams"),
    path("teams/new/", views_teams.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views_teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/plan/", views_plans.plan, name="plan"),
    path("teams/<int:pk>/plan/generate/", views_plans.generate, name="plan_generate"),
    path("plan/<int:pk>/move/", views_plans.move, name="plan_move"),
    path("settings/", views_teams.settings_pick, name="settings_pick"),
    path("settings/<str:code>/", views_teams.settings_edit, name="settings"),
    path("daily/", views_daily.daily, name="daily"),
    path("field/", views_field.field, name="field"),
    path("field/sw.js", views_field.field_sw, name="field_sw"),
    path("exports/ledger.xlsx", export_views.ledger, name="ledger_xlsx"),
    path("villages/<str:code>/notice.docx", export_views.notice, name="village_notice"),
]
