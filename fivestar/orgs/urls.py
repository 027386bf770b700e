from django.urls import path

from . import views, views_setup

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/children/", views.tree_children, name="children"),
    path("<str:code>/setup/", views_setup.town_setup, name="setup"),
    path("<str:code>/", views.unit_detail, name="unit"),
]
