"""/planning/letters/: target responsibility letters (目标责任书). Included from fivestar/planning/urls.py without a
namespace of its own, so its names are planning:letters…"""

from django.urls import path

from . import views_letters as pages
from . import views_letters_actions as actions

urlpatterns = [
    path("", pages.index, name="letters"),
    path("example.docx", actions.example, name="letters_example"),
    path("batches/<int:pk>/progress/", actions.batch_progress, name="letters_batch_progress"),
    path("batches/<int:pk>/resume/", actions.batch_resume, name="letters_batch_resume"),
    path("batches/<int:pk>/download/", actions.batch_download, name="letters_batch_download"),
    path("<str:code>/", pages.unit, name="letters_unit"),
    path("<str:code>/template/", actions.upload_template, name="letters_template_upload"),
    path("<str:code>/template.docx", actions.current_template, name="letters_template"),
    path("<str:code>/template/example/", actions.use_example, name="letters_use_example"),
    path("<str:code>/batch/", actions.start_batch, name="letters_batch_start"),
    path("<str:code>/letter.docx", actions.letter_docx, name="letters_docx"),
    path("<str:code>/sign/", actions.sign, name="letters_sign"),
]
