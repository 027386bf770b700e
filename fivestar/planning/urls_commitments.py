"""/planning/commitments/: monthly commitments and results (月初晒承诺、月底亮业绩). Included from
fivestar/planning/urls.py without a namespace of its own, so its names are planning:commitments…"""

from django.urls import path

from . import views_commitments as views
from . import views_commitments_public as public
from . import views_commitments_town as town

urlpatterns = [
    path("", town.index, name="commitments"),
    path("item/<str:pk>/result/", views.result, name="commitment_result"),
    path("item/<str:pk>/grade/", views.grade, name="commitment_grade"),
    path("<str:code>/", town.unit, name="commitments_unit"),
    path("<str:code>/post/", views.post, name="commitments_post"),
    path("<str:code>/qr/", public.qr_page, name="commitments_qr"),
    path("<str:code>/qr.png", public.qr_png, name="commitments_qr_png"),
]
