from django.urls import path

from . import views, views_divisions, views_people

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("divisions/", views_divisions.upload, name="divisions"),
    path("divisions/<int:pk>/", views_divisions.job_detail, name="divisions_job"),
    path("divisions/<int:pk>/confirm/", views_divisions.job_confirm, name="divisions_confirm"),
    path("divisions/<int:pk>/progress/", views_divisions.job_progress, name="divisions_progress"),
    path("divisions/<int:pk>/resume/", views_divisions.job_resume, name="divisions_resume"),
    path("people/", views_people.people_import, name="people"),
    path("people/template.xlsx", views_people.people_template, name="people_template"),
    path("people/<int:pk>/", views_people.people_job, name="people_job"),
]
