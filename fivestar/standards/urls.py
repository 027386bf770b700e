"""/standards/: framework versions — list, browser, downloads, import, publish, copy, archive, diff."""

from django.urls import path

from . import views, views_manage

app_name = "standards"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("diff/", views.version_diff, name="diff"),
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("template.yaml", views.template_yaml, name="template_yaml"),
    path("import/", views_manage.import_version, name="import"),
    path("<int:pk>/", views.version_detail, name="detail"),
    path("<int:pk>/download.yaml", views.download_yaml, name="download_yaml"),
    path("<int:pk>/download.xlsx", views.download_xlsx, name="download_xlsx"),
    path("<int:pk>/publish/", views_manage.publish_version, name="publish"),
    path("<int:pk>/archive/", views_manage.archive_version, name="archive"),
    path("<int:pk>/copy/", views_manage.copy_version, name="copy"),
]
