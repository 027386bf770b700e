"""The big screen, the map and the exports over the API (/api/v1/boards/…), through the same selectors, scope and
services as the pages: out of scope → 404, a refused export → 400 in Chinese. A town's board file (xlsx, pdf, png)
comes back at once; a county's and above is an export job (start, progress, resume, download)."""

from __future__ import annotations

import datetime

from django.http import FileResponse, Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.boards import params
from fivestar.boards.selectors import unit_board
from fivestar.orgs.models import Level, OrgUnit

from . import exports, exports_jobs, screen
from .models import BoardExport

router = Router(tags=["挂图作战·大屏、地图与导出"])
E = ApiErrorOut


class FigureOut(Schema):
    label: str
    value: str


class ScreenCardOut(Schema):
    name: str = Field(..., description="村（社区）")
    rating: int = Field(..., description="已获星数")
    target: int = Field(..., description="目标星级（0 为未定）")
    states: list[str] = Field(..., description="各星状态（与 stars 顺序一致）：held/on_track/at_risk/withdrawn/not_targeted")


class ScreenRowOut(Schema):
    name: str
    branches: int
    five: int
    four: int
    share: str = Field(..., description="四星/五星支部占比")
    at_risk: int
    overdue: int = Field(..., description="逾期问题与台账任务")


class NameValueOut(Schema):
    village: str
    value: str


class ScreenOut(Schema):
    kind: str = Field(..., description="town 乡镇大屏 | unit 县及以上大屏")
    unit: UnitRefOut
    year: int
    title: str
    updated: str = Field(..., description="数据更新时间（文字）")
    refresh_seconds: int
    page: int
    pages: int
    headline: list[FigureOut]
    stars: list[str] = Field(default_factory=list, description="星名（乡镇大屏）")
    cards: list[ScreenCardOut] = Field(default_factory=list, description="本屏的村（社区）卡片（乡镇大屏）")
    flags: list[NameValueOut] = Field(default_factory=list, description="本月红黑旗（乡镇大屏）")
    ranking: list[NameValueOut] = Field(default_factory=list, description="最近观摩排名（乡镇大屏）")
    rows: list[ScreenRowOut] = Field(default_factory=list, description="下级单位对比（县及以上大屏）")


class LegendOut(Schema):
    colour: str
    label: str


class MapUnitOut(Schema):
    id: int | None
    name: str
    share: float | None = Field(..., description="四星/五星支部占比（0–1），无支部时为空")
    percent: str
    colour: str
    branches: int
    high: int = Field(..., description="四星、五星支部数")
    boundary: bool = Field(..., description="是否有边界（否则以方块示意）")
    svg_path: str = Field("", description="SVG 路径（viewbox 坐标），无边界时为空")


class MapOut(Schema):
    title: str
    schematic: bool = Field(True, description="恒为示意图（非标准地图）")
    viewbox: str
    notes: list[str]
    legend: list[LegendOut]
    units: list[MapUnitOut]


class ExportIn(Schema):
    unit_id: int = Field(..., ge=1, le=2**31 - 1, description="县（市、区）及以上单位的编号")
    year: int = Field(..., ge=2000, le=2100)
    kind: str = Field(..., max_length=16, description="board_xlsx | board_pdf | board_png | villages_xlsx")


class ExportOut(Schema):
    id: int
    unit_id: int
    unit: str
    year: int
    kind: str
    kind_label: str
    status: str = Field(..., description="queued | running | done | failed")
    status_label: str
    stalled: bool = Field(..., description="已停滞（可调用 resume 继续）")
    done: int
    total: int
    percent: int
    message: str
    download: str = Field("", description="完成后的下载地址（接口）")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class ExportPage(Schema):
    count: int
    items: list[ExportOut]


def _unit(unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/boards/screen/{int:unit_id}", response={200: ScreenOut, 404: E}, summary="大屏数据（乡镇或县及以上）")
def screen_data(request, unit_id: int, year: int | None = Query(None, ge=2000, le=2100), page: int = Query(1, ge=1, le=10_000)):
    unit = _unit(unit_id)
    s = screen.screen_for(request.user, unit, params.year_of(year), page)
    out = {"kind": s["kind"], "unit": {"code": unit.code, "name": unit.display_name}, "year": s["year"], "title": s["title"],
           "updated": s["updated"], "refresh_seconds": screen.REFRESH_SECONDS, "page": s["page"], "pages": s["pages"],
           "headline": s["headline"]}
    if s["kind"] == "town":
        out.update(stars=[st["name"] for st in s["stars"]],
                   cards=[{"name": c["name"], "rating": c["rating"], "target": c["target"], "states": [x["state"] for x in c["cells"]]}
                          for c in s["cards"]],
                   flags=[{"village": f["village"], "value": f["flag_name"] or ""} for f in s["flags"]],
                   ranking=[{"village": r["village"], "value": "" if r["score"] is None else str(r["score"])} for r in s["ranking"]])
    else:
        out["rows"] = [{k: r[k] for k in ("name", "branches", "five", "four", "share", "at_risk", "overdue")} for r in s["rows"]]
    return out


@router.get("/boards/map/{int:unit_id}", response={200: MapOut, 404: E}, summary="四星/五星占比地图（示意图）")
def map_data(request, unit_id: int, year: int | None = Query(None, ge=2000, le=2100)):
    unit = _unit(unit_id)
    if unit.level >= Level.TOWN:
        raise Http404
    m = exports.map_for(unit_board(request.user, unit, params.year_of(year), per_page=exports.ALL_CHILDREN))
    units = [{**{k: u[k] for k in ("id", "name", "share", "percent", "colour", "branches", "high")}, "boundary": True,
              "svg_path": u["d"]} for u in m["shapes"]]
    units += [{**{k: u[k] for k in ("id", "name", "share", "percent", "colour", "branches", "high")}, "boundary": False}
              for u in m["tiles"]]
    return {"title": m["title"], "viewbox": m["viewbox"], "notes": m["notes"], "legend": m["legend"], "units": units}


@router.get("/boards/export/{int:unit_id}", response={400: E, 404: E}, summary="下载乡镇挂图作战表（xlsx/pdf/png）",
            description="乡镇：立即返回文件。县（市、区）及以上请用 POST /boards/exports 在后台生成。",
            openapi_extra={"responses": {"200": {"description": "文件", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "application/pdf": {}, "image/png": {}}}}})
def town_export(request, unit_id: int, format: str = Query("xlsx", max_length=8, description="xlsx | pdf | png"),
                year: int | None = Query(None, ge=2000, le=2100)):
    from .views import town_export_response

    unit = _unit(unit_id)
    if format not in ("xlsx", "pdf", "png"):
        return Status(400, {"detail": "format 只能是 xlsx、pdf 或 png。"})
    if unit.level != Level.TOWN:
        if unit.level > Level.TOWN:
            raise Http404
        return Status(400, {"detail": "县（市、区）及以上的导出在后台生成：请调用 POST /api/v1/boards/exports。"})
    return town_export_response(request.user, unit, params.year_of(year), format)


def _export_out(export) -> dict:
    from django.urls import reverse

    data = exports_jobs.as_dict(export)
    data["download"] = (reverse("api:board_export_download", args=[export.pk])
                        if export.status == BoardExport.Status.DONE and export.file else "")
    return data


@router.post("/boards/exports", response={201: ExportOut, 400: E, 404: E}, summary="开始后台导出（县及以上）")
def start(request, body: ExportIn):
    unit = _unit(body.unit_id)
    try:
        export = exports_jobs.start_export(request.user, unit, body.year, body.kind)
    except exports_jobs.ExportError as exc:
        return Status(400, {"detail": str(exc)})
    export.refresh_from_db()
    return Status(201, _export_out(export))


@router.get("/boards/exports", response=ExportPage, summary="我的导出")
def my_exports(request, limit: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0, le=10_000_000)):
    qs = BoardExport.objects.visible_to(request.user).filter(created_by=request.user).select_related("unit").order_by("-pk")
    return {"count": qs.count(), "items": [_export_out(e) for e in qs[offset:offset + limit]]}


@router.get("/boards/exports/{int:export_id}", response={200: ExportOut, 404: E}, summary="导出进度")
def export_status(request, export_id: int):
    return _export_out(exports_jobs.visible_export(request.user, export_id))


@router.post("/boards/exports/{int:export_id}/resume", response={200: ExportOut, 400: E, 404: E}, summary="继续已停滞的导出")
def resume(request, export_id: int):
    export = exports_jobs.visible_export(request.user, export_id)
    try:
        exports_jobs.resume_export(export, request.user)
    except exports_jobs.ExportError as exc:
        return Status(400, {"detail": str(exc)})
    export.refresh_from_db()
    return _export_out(export)


@router.get("/boards/exports/{int:export_id}/download", response={404: E}, url_name="board_export_download",
            summary="下载导出文件", openapi_extra={"responses": {"200": {"description": "文件"}}})
def download(request, export_id: int):
    export = exports_jobs.visible_export(request.user, export_id)
    if export.status != BoardExport.Status.DONE or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])
