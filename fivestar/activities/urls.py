from django.urls import path

from . import views, views_edit, views_excel, views_forms, views_sessions

app_name = "activities"
urlpatterns = [
    path("", views.index, name="index"),
    path("list/<str:what>/", views.record_list, name="list"),
    path("export/<str:what>.xlsx", views.export, name="export"),
    path("honours/import/", views_excel.import_honours, name="import_honours"),
    path("honours/import/template.xlsx", views_excel.import_template, name="import_template"),
    path("sessions/<int:pk>/", views_sessions.session, name="session"),
    path("sessions/<int:pk>/qr.png", views_sessions.session_qr, name="session_qr"),
    path("check-in/<str:token>/", views_sessions.check_in, name="check_in"),
    path("incidents/<int:pk>/", views_sessions.incident, name="incident"),
    path("projects/<int:pk>/", views_forms.add_funding, name="project"),
    path("edit/<str:what>/<int:pk>/", views_edit.edit_record, name="edit"),
    path("delete/<str:what>/<int:pk>/", views_edit.delete_record, name="delete"),
    path("kinds/<str:code>/", views_sessions.kinds, name="kinds"),
    path("villages/<str:code>/", views.village, name="village"),
    path("villages/<str:code>/new/<str:what>/", views_forms.new_record, name="new"),
]
