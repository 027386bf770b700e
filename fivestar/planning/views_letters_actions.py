"""What the letters pages do: upload a town's template (or go back to the example), download the example template,
start the batch and follow its progress (htmx), download the zip or one village's letter, record a signing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from fivestar.orgs.models import Level

from .models import LetterBatch
from .services import PlanningError
from .services.access import can_manage
from .services.letters import letter_filename, letter_for, mark_signed, render_letter
from .services.letters_batch import resume_batch, start_letter_batch, zip_name
from .services.letters_templates import active_template, example_template, reset_template, save_template
from .views_common import NOT_FOUND, parse_date, visible_unit, year_of
from .views_letters import T, batch_context, town_context, village_context

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _town_url(town, year, anchor="") -> str:
    return f"{reverse('planning:letters_unit', args=[town.code])}?year={year}{anchor}"


def _town(user, code):
    return visible_unit(user, code, levels=(Level.TOWN,))


def _docx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def example(request):
    return _docx(example_template(), "目标责任书示例模板.docx")


@login_required
def current_template(request, code):
    town = _town(request.user, code)
    template = active_template(town)
    if template is None:
        return example(request)
    try:
        handle = template.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("模板文件不存在") from exc
    return FileResponse(handle, content_type=DOCX, as_attachment=True, filename=template.original_name)


@login_required
@require_POST
def upload_template(request, code):
    town = _town(request.user, code)
    year = year_of(request.POST)
    upload = request.FILES.get("template")
    if upload is None:
        errors = ["请选择要上传的责任书模板（.docx）。"]
    else:
        try:
            row = save_template(request.user, town, upload)
        except PlanningError as error:
            errors = error.details or [error.message]
        else:
            messages.success(request, f"模板「{row.original_name}」已启用，识别到的占位符：{'、'.join('{{%s}}' % n for n in row.placeholders)}。")
            return redirect(_town_url(town, year, "#template"))
    context = town_context(request, town, year, template_errors=errors)
    return render(request, T + "town.html", context, status=400)


@login_required
@require_POST
def use_example(request, code):
    town = _town(request.user, code)
    year = year_of(request.POST)
    try:
        reset_template(request.user, town)
    except PlanningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已改用系统示例模板。")
    return redirect(_town_url(town, year, "#template"))


@login_required
@require_POST
def start_batch(request, code):
    town = _town(request.user, code)
    year = year_of(request.POST)
    try:
        start_letter_batch(request.user, town, year)
    except PlanningError as error:
        messages.error(request, error.message)
    return redirect(_town_url(town, year, "#batch"))


def _batch(user, pk) -> LetterBatch:
    batch = LetterBatch.objects.visible_to(user).select_related("town").filter(pk=pk).first()
    if batch is None:
        raise Http404(NOT_FOUND)
    return batch


@login_required
def batch_progress(request, pk):
    batch = _batch(request.user, pk)
    return render(request, T + "_batch.html", {**batch_context(request, batch), "year": batch.year, "unit": batch.town})


@login_required
@require_POST
def batch_resume(request, pk):
    batch = _batch(request.user, pk)
    try:
        resume_batch(batch, request.user)
    except PlanningError as error:
        messages.error(request, error.message)
    return redirect(_town_url(batch.town, batch.year, "#batch"))


@login_required
def batch_download(request, pk):
    batch = _batch(request.user, pk)
    if batch.status != LetterBatch.Status.DONE or not batch.file:
        raise Http404("压缩包尚未生成")
    try:
        handle = batch.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("压缩包文件不存在，请重新批量生成") from exc
    response = FileResponse(handle, content_type="application/zip", as_attachment=True, filename=zip_name(batch))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def letter_docx(request, code):
    village = visible_unit(request.user, code, levels=(Level.VILLAGE,))
    year = year_of(request.GET)
    template = active_template(village.parent) if village.parent_id else None
    return _docx(render_letter(template, village, year), letter_filename(village, year))


@login_required
@require_POST
def sign(request, code):
    village = visible_unit(request.user, code, levels=(Level.VILLAGE,))
    year = year_of(request.POST)
    signed_on = parse_date(request.POST.get("signed_on"))
    error = ""
    if signed_on is None:
        error = "请填写正确的签订日期。"
    else:
        try:
            if not can_manage(request.user, village):
                raise PlanningError(f"您无权登记「{village.display_name}」目标责任书的签订情况。")
            with transaction.atomic():  # a refused signing leaves no new letter row behind
                mark_signed(letter_for(village, year), request.user, signed_on, request.FILES.get("scan"))
        except PlanningError as exc:
            error = exc.message
    if error:
        return render(request, T + "village.html", village_context(request, village, year, sign_error=error), status=400)
    messages.success(request, f"已登记「{village.display_name}」{year} 年度目标责任书于 {signed_on:%Y-%m-%d} 签订。")
    return redirect(f"{reverse('planning:letters_unit', args=[village.code])}?year={year}")

