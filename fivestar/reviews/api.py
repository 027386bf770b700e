"""/api/v1/reviews/: a town's packs (list with filters, detail), computing them, a reviewer's adjustment, the scoring
settings, and the Word/PDF export job with its download. Scoped like the pages: out of scope 404, without the
authority 403, refused input 400 with the reason in Chinese."""

from __future__ import annotations

import datetime

from django.http import FileResponse, Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, RefOut, UnitRefOut
from fivestar.orgs.models import Level, OrgUnit

from . import exports_jobs, scoring
from .access import can_review
from .models import ReviewAdjustment, ReviewExport
from .selectors import town_packs, visible_pack, visible_town
from .services import ReviewError, adjust, check_year, compute_town, effective_settings, save_settings

router = Router(tags=["述职考核"])
E = ApiErrorOut


class PackOut(Schema):
    id: int
    year: int
    kind: str = Field(..., description="secretary 村党支部书记 | cadre 包村（包片）干部")
    person: RefOut
    unit: UnitRefOut
    town: UnitRefOut
    score: str = Field(..., description="得分（百分制）")
    computed_grade: str = Field(..., description="根据记录计算的等次")
    grade: str = Field(..., description="最终等次（考核人调整后）")
    rank: int | None = Field(None, description="镇内同类别名次")
    adjusted: bool
    version: int


class PackListOut(Schema):
    count: int
    items: list[PackOut]


class AdjustmentOut(Schema):
    at: datetime.datetime
    user: str
    from_grade: str
    to_grade: str
    reason: str
    comment: str


class PackDetailOut(PackOut):
    comment: str
    villages: list[str]
    duties: list[str]
    figures: dict
    points: dict
    weights: dict
    thresholds: dict
    computed_at: datetime.datetime
    adjustments: list[AdjustmentOut]


class AdjustIn(Schema):
    grade: str = Field("", max_length=4, description="好 | 较好 | 一般 | 差；空为不改")
    reason: str = Field("", max_length=500, description="调整等次时必填")
    comment: str = Field("", max_length=2000)
    expected_version: int | None = Field(None, ge=1, le=2_000_000_000)


class ComputeIn(Schema):
    town: str = Field(..., max_length=15)
    year: int = Field(..., ge=2000, le=2100)


class ComputeOut(Schema):
    count: int


class SettingsOut(Schema):
    unit: UnitRefOut
    weights: dict[str, int]
    thresholds: dict[str, int]
    items: dict[str, str]
    source: str
    can_edit: bool


class SettingsIn(Schema):
    weights: dict[str, int] = Field(default_factory=dict)
    thresholds: dict[str, int] = Field(default_factory=dict)


class ReviewExportIn(Schema):
    town: str = Field(..., max_length=15)
    year: int = Field(..., ge=2000, le=2100)
    kind: str = Field("docx", max_length=8, description="docx | pdf")


class ReviewExportOut(Schema):
    id: int
    town: str
    town_name: str
    year: int
    kind: str
    status: str
    status_label: str
    stalled: bool
    done: int
    total: int
    percent: int
    message: str
    download_url: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _out(p) -> dict:
    return {"id": p.pk, "year": p.year, "kind": p.kind, "person": {"id": p.person_id, "name": p.person.name},
            "unit": {"code": p.org_unit.code, "name": p.org_unit.display_name},
            "town": {"code": p.town.code, "name": p.town.display_name}, "score": str(p.score), "computed_grade": p.computed_grade,
            "grade": p.grade, "rank": p.rank, "adjusted": p.adjusted, "version": p.version}


def _refused(e: ReviewError):
    return Status(e.status if e.status in (400, 403, 409) else 400, {"detail": e.message})


@router.get("/reviews/packs", response={200: PackListOut, 404: E}, summary="乡镇述职考核材料（排名）")
def packs(request, town: str = Query(..., max_length=15), year: int = Query(..., ge=2000, le=2100),
          kind: str = Query("", max_length=10), grade: str = Query("", max_length=4), q: str = Query("", max_length=30),
          limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)):
    unit = visible_town(request.user, town)
    qs = town_packs(request.user, unit, year, kind, grade, q).select_related("town")
    return {"count": qs.count(), "items": [_out(p) for p in qs[offset:offset + limit]]}


@router.get("/reviews/packs/{pack_id}", response={200: PackDetailOut, 404: E}, summary="一份述职考核材料")
def pack(request, pack_id: int):
    p = visible_pack(request.user, pack_id)
    s = p.snapshot
    adjustments = [{"at": a.at, "user": a.user.username if a.user else "", "from_grade": a.from_grade, "to_grade": a.to_grade,
                    "reason": a.reason, "comment": a.comment} for a in ReviewAdjustment.objects.filter(pack=p).select_related("user")[:50]]
    return {**_out(p), "comment": p.comment, "villages": s.get("village_names", []), "duties": s.get("duties", []),
            "figures": s.get("figures", {}), "points": s.get("points", {}), "weights": s.get("weights", {}),
            "thresholds": s.get("thresholds", {}), "computed_at": p.computed_at, "adjustments": adjustments}


@router.post("/reviews/packs/{pack_id}/adjust", response={200: PackOut, 400: E, 403: E, 404: E, 409: E}, summary="考核意见与等次调整",
             description="乡镇管理员及以上可填写考核意见、调整等次（须填理由）；上级调整过的等次，下级不能再改。每次调整均留存。")
def pack_adjust(request, pack_id: int, body: AdjustIn):
    p = visible_pack(request.user, pack_id)
    if not can_review(request.user, p.town):
        return Status(403, {"detail": "您无权考核该述职材料：需要乡镇管理员及以上的权限。"})
    try:
        p = adjust(request.user, p, body.grade, body.reason, body.comment, expected_version=body.expected_version)
    except ReviewError as e:
        return _refused(e)
    return _out(visible_pack(request.user, p.pk))


@router.post("/reviews/compute", response={200: ComputeOut, 400: E, 403: E, 404: E}, summary="根据记录生成（重新计算）乡镇述职考核材料")
def compute(request, body: ComputeIn):
    unit = visible_town(request.user, body.town)
    try:
        return {"count": len(compute_town(request.user, unit, check_year(body.year)))}
    except ReviewError as e:
        return _refused(e)


def _settings_unit(user, code) -> OrgUnit:
    unit = OrgUnit.objects.visible_to(user).filter(code=str(code)[:15], level__in=[Level.TOWN, Level.COUNTY]).first()
    if unit is None:
        raise Http404
    return unit


def _settings_out(user, unit) -> dict:
    if unit.level == Level.TOWN:
        conf = effective_settings(unit)
    else:
        from .views import _county_conf
        conf = _county_conf(unit)
    return {"unit": {"code": unit.code, "name": unit.display_name}, "weights": conf["weights"], "thresholds": conf["thresholds"],
            "items": scoring.ITEMS, "source": conf["source"], "can_edit": can_review(user, unit)}


@router.get("/reviews/settings/{unit}", response={200: SettingsOut, 404: E}, summary="述职考核评分设置（乡镇或县）")
def get_settings(request, unit: str):
    return _settings_out(request.user, _settings_unit(request.user, unit))


@router.put("/reviews/settings/{unit}", response={200: SettingsOut, 400: E, 403: E, 404: E}, summary="修改述职考核评分设置",
            description="权重为 0–100 的整数（未给出的项用默认值）；分数线须 好 > 较好 > 一般。重新生成后生效。")
def put_settings(request, unit: str, body: SettingsIn):
    u = _settings_unit(request.user, unit)
    if not can_review(request.user, u):
        return Status(403, {"detail": f"您无权修改「{u.display_name}」的述职考核设置。"})
    try:
        save_settings(request.user, u, body.weights, body.thresholds)
    except ReviewError as e:
        return _refused(e)
    except scoring.ScoringError as e:
        return Status(400, {"detail": str(e)})
    return _settings_out(request.user, u)


@router.post("/reviews/exports", response={200: ReviewExportOut, 400: E, 403: E, 404: E}, summary="导出乡镇述职考核材料（Word/PDF，后台生成）")
def export_start(request, body: ReviewExportIn):
    unit = visible_town(request.user, body.town)
    try:
        export = exports_jobs.start_export(request.user, unit, body.year, body.kind)
    except ReviewError as e:
        return _refused(e)
    return exports_jobs.as_dict(ReviewExport.objects.select_related("unit").get(pk=export.pk))


@router.get("/reviews/exports/{export_id}", response={200: ReviewExportOut, 404: E}, summary="导出进度")
def export_status(request, export_id: int):
    return exports_jobs.as_dict(exports_jobs.visible_export(request.user, export_id))


@router.get("/reviews/exports/{export_id}/file", response={404: E}, summary="下载导出的文件")
def export_file(request, export_id: int):
    export = exports_jobs.visible_export(request.user, export_id)
    if export.status != ReviewExport.Status.DONE or not export.file:
        return Status(404, {"detail": "文件尚未生成。"})
    try:
        fh = export.file.open("rb")
    except FileNotFoundError:
        return Status(404, {"detail": "文件已不存在，请重新导出。"})
    return FileResponse(fh, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])
