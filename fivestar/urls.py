from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fivestar.api.api import api
from fivestar.core import views as core_views
from fivestar.core.ratelimit import GET, rate_limited

handler404 = "fivestar.core.views.not_found"
handler500 = "fivestar.core.views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", rate_limited("login")(rate_limited("public_page", GET)(auth_views.LoginView.as_view(redirect_authenticated_user=True))),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("fivestar.core.urls")),
    path("orgs/", include("fivestar.orgs.urls")),
    path("people/", include("fivestar.people.urls")),
    path("imports/", include("fivestar.imports.urls")),
    path("standards/", include("fivestar.standards.urls")),
    path("indicators/", include("fivestar.indicators.urls")),
    path("gap/", include("fivestar.standards.urls_gap")),
    path("rating/", include("fivestar.rating.urls")),
    path("public/commitments/", include("fivestar.planning.urls_public")),
    path("public/", include("fivestar.rating.urls_public")),
    path("inbox/", include("fivestar.inbox.urls")),
    path("supervision/", include("fivestar.supervision.urls")),
    path("planning/", include("fivestar.planning.urls")),
    path("observation/", include("fivestar.observation.urls")),
    path("meetings/", include("fivestar.meetings.urls")),
    path("activities/", include("fivestar.activities.urls")),
    path("boards/", include("fivestar.boards.urls")),
    path("projects/", include("fivestar.projects.urls")),
    path("reviews/", include("fivestar.reviews.urls")),
    path("api/v1/", api.urls),
    # Before admin.site.urls: the admin's own login view, limited like ours.
    path("django-admin/login/", rate_limited("login")(rate_limited("public_page", GET)(admin.site.login))),
    path("django-admin/", admin.site.urls),
]
