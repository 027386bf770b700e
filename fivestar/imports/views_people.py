"""Excel import of people and responsibility assignments: template download, upload page, and the
record of each upload (an ImportJob row, listed on the imports index). Either every row is valid and
everything is written, or nothing is written and every error is listed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q
from fivestar.people.selectors import can

from .models import ImportJob
from .people_import import import_people
from .people_reader import WorkbookError
from .people_template import build_template

MAX_SHOWN_ERRORS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "%E4%BA%BA%E5%91%98%E4%B8%8E%E8%B4%A3%E4%BB%BB%E5%88%86%E5%B7%A5%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"  # 人员与责任分工导入模板


def _require_import(user):
    if not can(user, Action.IMPORT_PEOPLE):
        raise PermissionDenied("您没有导入人员的权限（需要县级或镇级管理员角色）。")


def _crumbs(label="人员与责任分工"):
    return [{"label": "数据导入", "url": reverse("imports:index")}, {"label": label}]


@login_required
def people_template(request):
    _require_import(request.user)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=people-template.xlsx; filename*=UTF-8''{TEMPLATE_NAME}"
    return response


def _record(user, file_name, status, *, errors=(), outcome=None, message=""):
    """A job row for the imports list. Failed uploads have no unit, so only the uploader sees them."""
    return ImportJob.objects.create(
        kind=ImportJob.Kind.PEOPLE, status=status, org_unit=getattr(outcome, "scope", None), file_names=[file_name],
        errors=list(errors)[:MAX_SHOWN_ERRORS], total=getattr(outcome, "rows", 0),
        done=getattr(outcome, "rows", 0) if status == ImportJob.Status.DONE else 0,
        result=getattr(outcome, "counts", {}) or {}, message=message[:300], created_by=user, finished_at=timezone.now(),
    )


def _result_context(job: ImportJob) -> dict:
    if job.status == ImportJob.Status.DONE:
        return {"counts": job.result}
    if job.errors:
        return {"errors": job.errors, "error_count": job.result.get("error_count", len(job.errors)),
                "errors_truncated": job.result.get("error_count", 0) > len(job.errors)}
    return {"file_error": job.message}


@login_required
def people_import(request):
    user = request.user
    _require_import(user)
    context = {"page_title": "导入人员与责任分工", "breadcrumbs": _crumbs(), "show_upload": True}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = "请选择要上传的 .xlsx 文件。"
            return render(request, "imports/people/upload.html", context, status=400)
        context["file_name"] = upload.name
        try:
            outcome = import_people(user, upload)
        except WorkbookError as exc:
            job = _record(user, upload.name, ImportJob.Status.INVALID, message=str(exc))
            status = 400
        else:
            if outcome.errors:
                errors = [e.as_dict() for e in outcome.errors]
                job = _record(user, upload.name, ImportJob.Status.INVALID, errors=errors, outcome=outcome,
                              message=f"校验未通过：{len(errors)} 处错误，未写入任何数据")
                job.result = {"error_count": len(errors)}
                job.save(update_fields=["result"])
                status = 422
            else:
                job = _record(user, upload.name, ImportJob.Status.DONE, outcome=outcome, message=outcome.summary)
        context.update(_result_context(job), job=job)
    return render(request, "imports/people/upload.html", context, status=status)


@login_required
def people_job(request, pk):
    """A past people upload: its counts or its errors. Visible to the uploader and within scope."""
    user = request.user
    jobs = ImportJob.objects.filter(kind=ImportJob.Kind.PEOPLE).filter(scope_q(user, Action.VIEW, "org_unit__") | Q(created_by=user))
    job = jobs.select_related("org_unit", "created_by").filter(pk=pk).first()
    if job is None:
        raise Http404("导入记录不存在或不在您的管辖范围内")
    context = {"page_title": f"人员导入 #{job.pk}", "breadcrumbs": _crumbs(f"人员导入 #{job.pk}"), "job": job,
               "file_name": (job.file_names or [""])[0], "show_upload": can(user, Action.IMPORT_PEOPLE)}
    context.update(_result_context(job))
    return render(request, "imports/people/upload.html", context)
