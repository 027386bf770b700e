from django.urls import path

from . import views, views_accounts, views_duties

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("unit-options/", views.unit_options, name="unit_options"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/delete/", views.person_delete, name="delete"),
    path("<int:pk>/restore/", views.person_restore, name="restore"),
    path("<int:pk>/duties/new/", views_duties.responsibility_create, name="responsibility_create"),
    path("duties/<int:pk>/delete/", views_duties.responsibility_delete, name="responsibility_delete"),
    path("<int:pk>/account/new/", views_accounts.account_create, name="account_create"),
    path("<int:pk>/account/reset/", views_accounts.account_reset, name="account_reset"),
    path("<int:pk>/account/toggle/", views_accounts.account_toggle, name="account_toggle"),
    path("<int:pk>/roles/new/", views_accounts.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", views_accounts.role_revoke, name="role_revoke"),
]
