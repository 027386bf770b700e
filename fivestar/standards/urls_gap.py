"""/gap/<village code>/: the village 差距 page and its live preview."""

from django.urls import path

from . import views_gap

app_name = "gap"
urlpatterns = [
    path("<str:code>/", views_gap.village_gap, name="village"),
    path("<str:code>/preview/", views_gap.gap_preview, name="preview"),
]
