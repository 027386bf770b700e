"""Notice and results under /rating/ (namespace "rating"): round actions, objections, branch history, certificate."""

from django.urls import path

from . import views_results as views

urlpatterns = [
    path("rounds/<int:pk>/notice/", views.start_notice, name="start_notice"),
    path("rounds/<int:pk>/recognise/", views.recognise, name="recognise"),
    path("rounds/<int:pk>/objections/", views.objections, name="objections"),
    path("villages/<str:code>/", views.village_history, name="village_history"),
    path("villages/<str:code>/certificate.pdf", views.certificate, name="certificate"),
]
