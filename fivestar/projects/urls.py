from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_id>/", views.project_file, name="file"),
    path("<int:pk>/files/", views.add_files, name="add_files"),
    path("<int:pk>/interest/", views.interest, name="interest"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/stage/", views.stage, name="stage"),
    path("<int:pk>/returns/", views.returns, name="returns"),
    path("policy/<str:code>/", views.policy, name="policy"),
]
