"""The village self-assessment (村级自评) pages, under the "rating" namespace at /rating/."""

from django.urls import path

from . import views_village as views
from . import views_village_evidence as evidence

urlpatterns = [
    path("my/", views.my_assessments, name="my_assessments"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<int:pk>/rules/<str:code>/", views.save_rule, name="village_save_rule"),
    path("assessments/<int:pk>/stars/<str:code>/", views.star_rules, name="village_star"),
    path("assessments/<int:pk>/stars/<str:code>/carried/", views.carried_summary, name="village_carried"),
    path("assessments/<int:pk>/gaps/", views.gap_list, name="village_gaps"),
    path("assessments/<int:pk>/confirm/", views.confirm, name="village_confirm"),
    path("assessments/<int:pk>/submit/", views.submit_assessment, name="village_submit"),
    path("assessments/<int:pk>/evidence/", evidence.upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/reuse/", evidence.attach_existing, name="evidence_reuse"),
    path("assessments/<int:pk>/rules/<str:code>/evidence/<int:evidence_id>/detach/", evidence.detach_evidence, name="evidence_detach"),
    path("evidence/<int:pk>/", evidence.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumb/", evidence.evidence_thumb, name="evidence_thumb"),
]
