"""Web import of administrative divisions (系统管理员 only): upload → preview → confirm → progress → result."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fivestar.core.scoping import scope_q
from fivestar.orgs.divisions import LEVEL_LABELS, SourceError
from fivestar.orgs.divisions.sources import read_uploads, require_all

from . import divisions_jobs
from .forms_divisions import DivisionUploadForm
from .models import ImportJob

SHOWN_ERRORS = 200


def _require_permission(user):
    if not divisions_jobs.can_import_divisions(user):
        raise Http404("无权导入行政区划")


def _crumbs(*tail):
    return [{"label": "数据导入", "url": reverse("imports:index")}, *tail]


def _get_job(user, pk) -> ImportJob:
    _require_permission(user)
    jobs = ImportJob.objects.filter(kind=ImportJob.Kind.DIVISIONS).filter(scope_q(user, via="org_unit__") | Q(created_by=user))
    return get_object_or_404(jobs.select_related("created_by", "org_unit"), pk=pk)


@login_required
def upload(request):
    _require_permission(request.user)
    form = DivisionUploadForm(request.POST, request.FILES) if request.method == "POST" else DivisionUploadForm()
    if form.is_bound and form.is_valid():
        try:
            found = read_uploads(form.cleaned_data["files"], settings.IMPORT_MAX_BYTES)
            require_all(found)
        except SourceError as exc:
            form.add_error("files", str(exc))
        else:
            job = divisions_jobs.create_preview(request.user, found, form.cleaned_data["under"])
            return redirect("imports:divisions_job", pk=job.pk)
    context = {
        "page_title": "行政区划导入",
        "form": form,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "breadcrumbs": _crumbs({"label": "行政区划导入"}),
    }
    return render(request, "imports/divisions/upload.html", context)


@login_required
@require_GET
def job_detail(request, pk):
    job = _get_job(request.user, pk)
    context = {
        "page_title": f"行政区划导入 #{job.pk}",
        "job": job,
        "errors": job.errors[:SHOWN_ERRORS],
        "hidden_errors": max(job.preview.get("error_count", len(job.errors)) - SHOWN_ERRORS, 0),
        "levels": job.preview.get("levels", []),
        "files": job.preview.get("files", []),
        "breadcrumbs": _crumbs({"label": "行政区划导入", "url": reverse("imports:divisions")}, {"label": f"#{job.pk}"}),
        **_progress_context(job),
    }
    return render(request, "imports/divisions/job.html", context)


@login_required
@require_POST
def job_confirm(request, pk):
    job = _get_job(request.user, pk)
    divisions_jobs.confirm(job)
    return redirect("imports:divisions_job", pk=job.pk)


@login_required
@require_POST
def job_resume(request, pk):
    """继续: queue again an import whose worker stopped (已停滞)."""
    job = _get_job(request.user, pk)
    try:
        divisions_jobs.resume(job, request.user)
    except divisions_jobs.ResumeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新排队：导入将从头重新进行（中断时未完成的写入已全部撤销）。")
    return redirect("imports:divisions_job", pk=job.pk)


@login_required
@require_GET
def job_progress(request, pk):
    job = _get_job(request.user, pk)
    # htmx polls this; the status badge in the page header is refreshed out of band.
    context = {"job": job, "oob": request.headers.get("HX-Request") == "true", **_progress_context(job)}
    return render(request, "imports/divisions/_progress.html", context)


def _progress_context(job: ImportJob) -> dict:
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    done, total = divisions_jobs.read_progress(job) if running else (job.done, job.total)
    percent = int(done * 100 / total) if total else (100 if job.status == ImportJob.Status.DONE else 0)
    result_levels = [{**row, "label": LEVEL_LABELS.get(row["level"], "")} for row in job.result.get("levels", [])]
    stalled = divisions_jobs.is_stalled(job)
    return {"running": running, "done": done, "total": total, "percent": min(percent, 100), "result_levels": result_levels,
            "stalled": stalled, "stall_minutes": max(1, round(divisions_jobs.jobs.stall_seconds() / 60))}
