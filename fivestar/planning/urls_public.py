"""/public/commitments/: a village's monthly commitments and results for everyone (no login)."""

from django.urls import path

from . import views_commitments_public as views

app_name = "planning_public"
urlpatterns = [
    path("<str:code>/", views.public_page, name="commitments"),
]
