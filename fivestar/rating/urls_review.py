"""Rounds and review: /rating/ (list), rounds, a town's review list, the reviewer's page, veto events."""

from django.urls import path

from . import views_review, views_review_actions, views_round_units, views_rounds, views_veto

urlpatterns = [
    path("", views_rounds.round_list, name="rounds"),
    path("new/", views_rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("rounds/<int:pk>/open/", views_rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/progress/", views_rounds.round_progress, name="round_progress"),
    path("rounds/<int:pk>/resume/", views_rounds.round_resume, name="round_resume"),
    path("rounds/<int:pk>/units/<str:code>/", views_round_units.round_unit, name="round_unit"),
    path("rounds/<int:pk>/towns/<str:code>/", views_review.town_review, name="town_review"),
    path("assessments/<int:pk>/review/", views_review.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/review/stars/<str:code>/", views_review.review_star, name="assessment_review_star"),
    path("assessments/<int:pk>/review/rules/<str:code>/form/", views_review.review_rule_form, name="assessment_review_rule"),
    path("assessments/<int:pk>/review/change/", views_review_actions.change_value, name="assessment_change"),
    path("assessments/<int:pk>/review/return/", views_review_actions.return_assessment, name="assessment_return"),
    path("assessments/<int:pk>/review/approve/", views_review_actions.approve_assessment, name="assessment_approve"),
    path("assessments/<int:pk>/review/reopen/", views_review_actions.reopen_assessment, name="assessment_reopen"),
    path("villages/<str:code>/veto/new/", views_veto.veto_create, name="veto_create"),
]
