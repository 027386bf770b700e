"""A meeting's briefing: its progress (JSON, polled by the meeting page), the phone view (HTML of the same figures)
and the Word and PDF downloads, all behind the meeting's scope."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render

from .models import Briefing
from .services.briefing_job import file_name, is_stalled
from .services.briefing_render import heading, sections, subtitle
from .views import _meeting


def _briefing(user, pk) -> Briefing:
    m = _meeting(user, pk)
    briefing = Briefing.objects.filter(meeting=m).select_related("meeting__org_unit").first()
    if briefing is None:
        raise Http404
    return briefing


@login_required
def status(request, pk):
    b = _briefing(request.user, pk)
    return JsonResponse({"status": b.status, "label": b.get_status_display(), "step": b.step, "steps": b.steps,
                         "stalled": is_stalled(b), "error": b.error, "done": b.status == Briefing.Status.DONE})


@login_required
def view(request, pk):
    b = _briefing(request.user, pk)
    if not b.data:
        raise Http404
    return render(request, "meetings/briefing.html", {"page_title": heading(b.data), "m": b.meeting, "data": b.data,
                                                       "heading": heading(b.data), "subtitle": subtitle(b.data),
                                                       "sections": sections(b.data), "standalone": False})


def _file(request, pk, field, ext, content_type):
    b = _briefing(request.user, pk)
    f = getattr(b, field)
    if b.status != Briefing.Status.DONE or not f:
        raise Http404
    try:
        handle = f.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=file_name(b.meeting, ext), content_type=content_type)


@login_required
def docx(request, pk):
    return _file(request, pk, "docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@login_required
def pdf(request, pk):
    return _file(request, pk, "pdf", "pdf", "application/pdf")
