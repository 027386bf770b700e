from django.urls import path

from . import views, views_account

app_name = "core"
urlpatterns = [
    path("history/", views.history, name="history"),
    path("history/export.xlsx", views.history_export_view, name="history_export"),
    path("account/", views_account.account, name="account"),
    path("account/password/", views_account.password_change, name="password_change"),
    path("account/tokens/<int:pk>/revoke/", views_account.token_revoke, name="token_revoke"),
]
