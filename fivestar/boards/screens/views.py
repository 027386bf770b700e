"""Pages of the big screen, the map and the exports (/boards/screen/, /boards/map/, /boards/export/…).

Thin: the board selectors read and scope (Http404 outside the user's scope), screen.py / exports.py shape,
render.py draws. A town's exports are made at once (a few dozen villages); a county's and above are queued
as background jobs (exports_jobs.py) whose page shows the progress and then the download link.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fivestar.boards import params
from fivestar.boards.selectors import town_board, unit_board
from fivestar.core import jobs
from fivestar.orgs.models import Level, OrgUnit

from . import exports, exports_jobs, screen
from .models import BoardExport

FORMATS = {"xlsx": "Excel", "pdf": "PDF", "png": "图片"}


def _unit(pk) -> OrgUnit:
    return get_object_or_404(OrgUnit.objects.select_related("parent"), pk=pk)


@login_required
@require_GET
def big_screen(request, pk):
    unit = _unit(pk)
    year = params.year_of(request.GET.get("year"))
    data = screen.screen_for(request.user, unit, year, request.GET.get("page"))
    next_page = data["page"] % data["pages"] + 1
    query = {"year": year, **({"page": next_page} if data["pages"] > 1 else {})}
    response = render(request, "boards/screen.html", {
        "s": data, "refresh": screen.REFRESH_SECONDS,
        "next_url": f"{reverse('boards:screen', args=[unit.pk])}?{urlencode(query)}",
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def board_map(request, pk):
    unit = _unit(pk)
    if unit.level >= Level.TOWN:
        raise Http404("地图适用于县（市、区）及以上单位。")
    year = params.year_of(request.GET.get("year"))
    data = unit_board(request.user, unit, year, per_page=exports.ALL_CHILDREN)
    doc_map = exports.map_for(data)
    for shape in doc_map["shapes"]:
        shape["y2"] = shape["y"] + 22
    rows = sorted(doc_map["shapes"] + doc_map["tiles"], key=lambda r: -(r["share"] if r["share"] is not None else -1))
    return render(request, "boards/map.html", {
        "b": data, "m": doc_map, "rows": rows, "year": year, "page_title": f"地图 · {unit.display_name}",
        "board_url": reverse("boards:unit", args=[unit.pk]) + f"?year={year}",
        "screen_url": reverse("boards:screen", args=[unit.pk]) + f"?year={year}",
    })


def _attachment(response, name: str):
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def town_export_response(user, town, year, fmt: str, *, area=None, category=None, star=None):
    """The town board as xlsx (streamed from a temporary file), pdf or png, made now."""
    from fivestar.boards import render as board_render
    from fivestar.rating.certificate import CertificateUnavailable

    data = town_board(user, town, year, area=area, category=category, star=star)
    if fmt == "xlsx":
        tmp = exports.town_workbook(data)
        response = FileResponse(tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return _attachment(response, exports.filename(town, year, "挂图作战表", "xlsx"))
    doc = exports.town_doc(data)
    if fmt == "pdf":
        try:
            body = board_render.board_pdf(doc)
        except CertificateUnavailable as exc:
            return HttpResponse(str(exc).replace("证书", "PDF"), status=503, content_type="text/plain; charset=utf-8")
        return _attachment(HttpResponse(body, content_type="application/pdf"), exports.filename(town, year, "挂图作战表", "pdf"))
    try:
        body = board_render.board_png(doc)
    except board_render.FontMissing as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return _attachment(HttpResponse(body, content_type="image/png"), exports.filename(town, year, "挂图作战图", "png"))


KIND_OF_FORMAT = {"xlsx": BoardExport.Kind.BOARD_XLSX, "pdf": BoardExport.Kind.BOARD_PDF, "png": BoardExport.Kind.BOARD_PNG,
                  "villages": BoardExport.Kind.VILLAGES_XLSX}


@login_required
def board_export(request, pk, fmt):
    """GET for a town: the file now. POST for a county and above: queue the job and go to its page."""
    unit = _unit(pk)
    if fmt not in KIND_OF_FORMAT:
        raise Http404
    year = params.year_of(request.GET.get("year") or request.POST.get("year"))
    if unit.level == Level.TOWN and fmt in FORMATS:
        g = request.GET
        return town_export_response(request.user, unit, year, fmt, area=params.area_of(g.get("area")),
                                    category=params.category_of(g.get("category")), star=params.star_of(g.get("star")))
    if unit.level >= Level.TOWN:
        raise Http404
    if request.method != "POST":
        return render(request, "boards/export_confirm.html", {
            "unit": unit, "year": year, "fmt": fmt, "kind_label": dict(BoardExport.Kind.choices)[KIND_OF_FORMAT[fmt]],
            "page_title": f"导出 · {unit.display_name}"})
    try:
        export = exports_jobs.start_export(request.user, unit, year, KIND_OF_FORMAT[fmt])
    except exports_jobs.ExportError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("boards:unit", args=[unit.pk]) + f"?year={year}")
    return redirect("boards:export", export.pk)


@login_required
@require_GET
def export_status(request, pk):
    export = exports_jobs.visible_export(request.user, pk)
    state = exports_jobs.as_dict(export)
    active = export.status in exports_jobs.ACTIVE and not state["stalled"]
    return render(request, "boards/export.html", {"e": state, "export": export, "active": active,
                                      "stall_minutes": max(1, jobs.stall_seconds() // 60),
                                      "page_title": f"导出 · {export.unit.display_name}"})


@login_required
@require_POST
def export_resume(request, pk):
    export = exports_jobs.visible_export(request.user, pk)
    try:
        exports_jobs.resume_export(export, request.user)
        messages.success(request, "已重新排队，继续导出。")
    except exports_jobs.ExportError as exc:
        messages.error(request, str(exc))
    return redirect("boards:export", export.pk)


@login_required
@require_GET
def export_download(request, pk):
    export = exports_jobs.visible_export(request.user, pk)
    if export.status != BoardExport.Status.DONE or not export.file:
        raise Http404("导出尚未完成。")
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("导出文件已不存在，请重新导出。") from None
    name = export.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
