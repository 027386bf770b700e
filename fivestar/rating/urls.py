"""/rating/: rounds and review (urls_review), self-assessment (urls_village), notice/results (urls_results)."""

from django.urls import include, path

app_name = "rating"
urlpatterns = [
    path("", include("fivestar.rating.urls_review")),
    path("", include("fivestar.rating.urls_village")),
    path("", include("fivestar.rating.urls_results")),
    path("", include("fivestar.rating.urls_deadlines")),
]
