"""/public/: the no-login public notice (公示) pages and objections."""

app_name = "public"
urlpatterns = []
