"""/gap/<village code>/: the village 差距 page (the current assessment's gap), 模拟测算 and its live preview."""

from django.urls import path

from . import views_gap

app_name = "gap"
urlpatterns = [
    path("<str:code>/", views_gap.village_gap, name="village"),
    path("<str:code>/simulate/", views_gap.gap_simulate, name="simulate"),
    path("<str:code>/preview/", views_gap.gap_preview, name="preview"),
]
