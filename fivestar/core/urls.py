from django.urls import path

from . import views

app_name = "core"
urlpatterns = [path("history/", views.history, name="history")]
