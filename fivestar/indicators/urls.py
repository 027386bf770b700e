from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.income_list, name="list"),
    path("import/", views.import_income, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<str:code>/", views.village_income, name="village"),
    path("<str:code>/record/", views.record_income, name="record"),
]
