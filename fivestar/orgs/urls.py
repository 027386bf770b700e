from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/children/", views.tree_children, name="children"),
    path("<str:code>/", views.unit_detail, name="unit"),
]
