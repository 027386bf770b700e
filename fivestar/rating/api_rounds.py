"""Rating rounds (评星周期) over the API, through the same selectors, form and services as the round pages:
the list (filtered, paginated), one round, creating and opening it (开启 runs in the background), its progress
with per-status counts from the figures kept at every level, the public notice (发布公示 / 撤回公示) and
recognition (认定).

A round is visible when its scope is inside the user's units or contains one of them (a village sees its
county's round), as on the pages; otherwise 404. Creating, opening, the notice and recognition need the right
to manage rounds over the round's scope (403 otherwise); a step the workflow does not allow now is 400.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.core import jobs
from fivestar.core.roles import Action
from fivestar.core.scoping import covers

from . import selectors_review as selectors
from .api_common import MAX_ID, ErrorOut, ValidationErrorOut, check_id, choices, invalid, refused
from .forms_rounds import RoundForm
from .models import Round
from .models.round import LEVEL_LABELS
from .services import WorkflowError, create_round, open_round, recognise, start_notice, withdraw_notice
from .services.opening import opening_stalled, resume_opening
from .views_rounds import can_manage_rounds

router = Router(tags=["评星周期"])


class StatusCountOut(Schema):
    status: str = Field(..., description="申报状态代码")
    status_name: str = Field(..., description="申报状态名称")
    count: int = Field(..., description="处于该状态的支部数")


class RoundOut(Schema):
    id: int = Field(..., description="评星周期编号")
    name: str = Field(..., description="名称")
    kind: str = Field(..., description="类型：annual 年度评星 | interim 动态评星（每两个月）")
    kind_name: str = Field(..., description="类型名称")
    year: int = Field(..., description="评星年度")
    indicator_year: int = Field(..., description="指标数据年度：本周期读取哪一年的指标数据（如村集体经济收入）")
    period_start: date = Field(..., description="周期开始")
    period_end: date = Field(..., description="周期结束")
    scope: str = Field(..., description="评星范围（单位代码）")
    scope_name: str = Field(..., description="评星范围名称")
    phase: str = Field(..., description="阶段：draft 未开启 | opening 开启中 | open 自评与审核 | notice 公示中 | recognised 已认定")
    phase_name: str = Field(..., description="阶段名称")
    levels: list[str] = Field(..., description="审核层级（依次）：town、county，及增设的 city、province")
    level_names: list[str] = Field(..., description="审核层级名称")
    rural_framework: int = Field(..., description="农村支部创建标准（版本编号）")
    community_framework: int | None = Field(None, description="社区支部创建标准（版本编号）；为空时社区也按农村标准")
    previous: int | None = Field(None, description="上一周期编号（沿用其结果）")
    self_deadline: date = Field(..., description="村级自评截止")
    town_deadline: date = Field(..., description="镇级初审截止")
    county_deadline: date = Field(..., description="县级审核截止")
    extra_deadline: date | None = Field(None, description="增设层级截止")
    notice_days: int = Field(..., description="公示天数")
    expired_outcome: str = Field(..., description="未按期完成的认定结果：keep 保留上次认定的星 | none 不授星")
    notice_start: date | None = Field(None, description="公示开始")
    notice_end: date | None = Field(None, description="公示结束")
    recognised_at: datetime | None = Field(None, description="认定时间")
    public_url: str | None = Field(None, description="公示页面地址（无需登录；公示开始后才有）")
    total: int = Field(..., description="您管辖范围内参评的支部数")
    counts: list[StatusCountOut] = Field(..., description="您管辖范围内各状态的支部数（来自预先汇总的各级统计）")
    can_manage: bool = Field(..., description="您能否管理该周期（开启、公示、认定）")


class RoundPage(Schema):
    items: list[RoundOut] = Field(..., description="本页的评星周期")
    count: int = Field(..., description="符合条件的评星周期总数")


class RoundFilters(Schema):
    phase: choices(Round.Phase) | None = Field(None, description="阶段：draft 未开启 | opening 开启中 | open 自评与审核 | notice 公示中 | recognised 已认定")
    kind: choices(Round.Kind) | None = Field(None, description="类型：annual 年度评星 | interim 动态评星")
    year: int | None = Field(None, ge=2000, le=2100, description="评星年度")
    limit: int = Field(20, ge=1, le=200, description="每页条数（1–200）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class ProgressOut(Schema):
    id: int = Field(..., description="评星周期编号")
    phase: str = Field(..., description="阶段代码")
    phase_name: str = Field(..., description="阶段名称")
    open_done: int = Field(..., description="开启时已创建的申报数")
    open_total: int = Field(..., description="开启时须创建的申报数")
    percent: int = Field(..., description="开启进度（0–100）")
    stalled: bool = Field(..., description="开启已停滞：后台任务长时间没有进展（可调用“继续开启”）")
    stall_minutes: int = Field(..., description="多少分钟没有进展即视为停滞")
    total: int = Field(..., description="您管辖范围内参评的支部数")
    counts: list[StatusCountOut] = Field(..., description="您管辖范围内各状态的支部数（来自预先汇总的各级统计，不逐村计算）")


def _counts(rnd: Round, row: dict | None) -> tuple[int, list[dict]]:
    row = row or {}
    return row.get("total_sum", 0), [{"status": s.value, "status_name": s.label, "count": row.get(s.value, 0)} for s in selectors.status_columns(rnd)]


def _out(rnd: Round, user, counts: dict | None) -> dict:
    total, rows = _counts(rnd, counts)
    public = rnd.phase in (Round.Phase.NOTICE, Round.Phase.RECOGNISED)
    return {
        "id": rnd.pk, "name": rnd.name, "kind": rnd.kind, "kind_name": rnd.get_kind_display(), "year": rnd.year,
        "indicator_year": rnd.indicator_year, "period_start": rnd.period_start, "period_end": rnd.period_end,
        "scope": rnd.scope.code, "scope_name": rnd.scope.display_name, "phase": rnd.phase, "phase_name": rnd.get_phase_display(),
        "levels": rnd.levels, "level_names": [LEVEL_LABELS[lvl] for lvl in rnd.levels],
        "rural_framework": rnd.rural_framework_id, "community_framework": rnd.community_framework_id, "previous": rnd.previous_id,
        "self_deadline": rnd.self_deadline, "town_deadline": rnd.town_deadline, "county_deadline": rnd.county_deadline,
        "extra_deadline": rnd.extra_deadline, "notice_days": rnd.notice_days, "expired_outcome": rnd.expired_outcome,
        "notice_start": rnd.notice_start, "notice_end": rnd.notice_end, "recognised_at": rnd.recognised_at,
        "public_url": f"/public/{rnd.public_token}/" if public else None, "total": total, "counts": rows,
        "can_manage": covers(user, rnd.scope, Action.MANAGE_ROUNDS),
    }


def _round(user, round_id: int) -> Round:
    return selectors.get_round(user, check_id(round_id))


def _detail(user, round_id: int) -> dict:
    rnd = _round(user, round_id)
    return _out(rnd, user, selectors.round_counts(user, [rnd.pk]).get(rnd.pk))


def _manage(user, rnd: Round, what: str):
    if not covers(user, rnd.scope, Action.MANAGE_ROUNDS):
        return Status(403, {"detail": f"您无权{what}该评星周期。"})
    return None


@router.get("/rounds", response=RoundPage, summary="评星周期列表",
            description="您可见的评星周期（范围在您管辖范围内，或包含您的单位），最新的在前；可按阶段、类型、年度筛选，分页返回（limit/offset）。"
                        "每个周期附您管辖范围内各状态的支部数。")
def list_rounds(request, filters: RoundFilters = Query(...)):
    user = request.user
    qs = selectors.round_list(user, filters.phase or "")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    counts = selectors.round_counts(user, [r.pk for r in page])
    return {"items": [_out(r, user, counts.get(r.pk)) for r in page], "count": qs.count()}


@router.get("/rounds/{int:round_id}", response={200: RoundOut, 404: ErrorOut}, summary="评星周期详情",
            description="一个评星周期：范围、标准、各阶段截止日期、审核层级、公示期，以及您管辖范围内各状态的支部数。")
def get_round(request, round_id: int):
    return _detail(request.user, round_id)


class RoundIn(Schema):
    name: str = Field(..., max_length=80, description="名称，如「2024年度评星」「2024年第一次动态评星」")
    kind: choices(Round.Kind) = Field(..., description="类型：annual 年度评星 | interim 动态评星（每两个月）")
    year: int = Field(..., ge=2000, le=2100, description="评星年度")
    indicator_year: int | None = Field(None, ge=2000, le=2100, description="指标数据年度；不传则取最近一个已经过完的完整年度")
    scope: str = Field(..., max_length=15, description="评星范围：您可以开启评星的县（区）或乡镇的代码")
    period_start: date = Field(..., description="周期开始")
    period_end: date = Field(..., description="周期结束")
    rural_framework: int = Field(..., ge=1, le=MAX_ID, description="农村支部创建标准（已发布版本的编号）")
    community_framework: int | None = Field(None, ge=1, le=MAX_ID, description="社区支部创建标准（已发布版本的编号）；不传则社区也按农村标准")
    self_deadline: date = Field(..., description="村级自评截止")
    town_deadline: date = Field(..., description="镇级初审截止（不早于村级自评截止）")
    county_deadline: date = Field(..., description="县级审核截止（不早于镇级初审截止）")
    extra_levels: list[str] = Field(default_factory=list, max_length=2, description="增设审核层级：city 市级复核、province 省级抽查")
    extra_deadline: date | None = Field(None, description="增设层级截止（增设了层级时必填）")
    notice_days: int = Field(7, ge=1, le=30, description="公示天数（1–30）")
    expired_outcome: choices(Round.ExpiredOutcome) = Field(Round.ExpiredOutcome.KEEP.value, description="未按期完成的认定结果：keep 保留上次认定的星 | none 不授星")
    previous: int | None = Field(None, ge=1, le=MAX_ID, description="上一周期编号（沿用其结果）；不传则各支部沿用最近一次评星")


@router.post("/rounds", response={201: RoundOut, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}, summary="新建评星周期",
             description="新建一个未开启的评星周期（需开启和管理评星周期的权限），校验与新建页面相同：范围须为您可以开启评星的县（区）或乡镇，"
                         "标准须已发布，截止日期须依次排列。新建后调用“开启”为范围内每个支部创建申报。")
def create(request, payload: RoundIn):
    user = request.user
    if not can_manage_rounds(user):
        return Status(403, {"detail": "您没有开启评星周期的权限。"})
    data = payload.dict()
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for key in ("period_start", "period_end", "self_deadline", "town_deadline", "county_deadline", "extra_deadline"):
        data[key] = data[key].isoformat() if data[key] else ""
    form = RoundForm(user, data, rounds=selectors.rounds_for(user))
    if not form.is_valid():
        return invalid([{"field": name, "message": "；".join(messages), "type": "value_error"} for name, messages in form.errors.items()],
                       "评星周期信息有误。")
    clean = form.cleaned_data
    extra = {"expired_outcome": clean["expired_outcome"]} if "expired_outcome" in clean else {}
    try:
        rnd = create_round(
            user, scope=clean["scope"], name=clean["name"], kind=clean["kind"], year=clean["year"],
            period_start=clean["period_start"], period_end=clean["period_end"], rural_framework=clean["rural_framework"],
            community_framework=clean["community_framework"], self_deadline=clean["self_deadline"],
            town_deadline=clean["town_deadline"], county_deadline=clean["county_deadline"], notice_days=clean["notice_days"],
            extra_levels=clean["extra_levels"], extra_deadline=clean["extra_deadline"], previous=clean["previous"],
            indicator_year=clean["indicator_year"], **extra,
        )
    except WorkflowError as exc:
        return refused(exc)
    return Status(201, _detail(user, rnd.pk))


def _progress(rnd: Round, user) -> dict:
    total, rows = _counts(rnd, selectors.round_counts(user, [rnd.pk]).get(rnd.pk))
    percent = int(rnd.open_done * 100 / rnd.open_total) if rnd.open_total else 0
    return {"id": rnd.pk, "phase": rnd.phase, "phase_name": rnd.get_phase_display(), "open_done": rnd.open_done,
            "open_total": rnd.open_total, "percent": min(percent, 100), "stalled": opening_stalled(rnd),
            "stall_minutes": max(1, round(jobs.stall_seconds() / 60)), "total": total, "counts": rows}


@router.get("/rounds/{int:round_id}/progress", response={200: ProgressOut, 404: ErrorOut}, summary="评星周期进度",
            description="开启进度（已创建/须创建的申报数，是否已停滞）和您管辖范围内各状态的支部数；各状态的数目读取预先汇总的各级统计（您的县、市或省一行），"
                        "不逐村计算。开启期间可轮询本接口。")
def progress(request, round_id: int):
    return _progress(_round(request.user, round_id), request.user)


@router.post("/rounds/{int:round_id}/open", response={202: ProgressOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="开启评星周期",
             description="在后台为范围内每个支部创建申报（沿用上期结果待确认），立即返回 202 和进度；之后轮询“评星周期进度”。"
                         "已开启的周期返回 400。")
def open_(request, round_id: int):
    rnd = _round(request.user, round_id)
    denied = _manage(request.user, rnd, "开启")
    if denied:
        return denied
    try:
        open_round(rnd, request.user)
    except WorkflowError as exc:
        return refused(exc)
    rnd.refresh_from_db()
    return Status(202, _progress(rnd, request.user))


@router.post("/rounds/{int:round_id}/resume", response={202: ProgressOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="继续开启（已停滞时）",
             description="开启已停滞（后台任务长时间没有进展）时重新排队：已创建的申报保留，后台为其余支部继续创建。")
def resume(request, round_id: int):
    rnd = _round(request.user, round_id)
    denied = _manage(request.user, rnd, "继续开启")
    if denied:
        return denied
    try:
        resume_opening(rnd, request.user)
    except WorkflowError as exc:
        return refused(exc)
    rnd.refresh_from_db()
    return Status(202, _progress(rnd, request.user))


# ---- public notice (公示) and recognition (认定) ----------------------------------------------------------------


@router.post("/rounds/{int:round_id}/notice", response={200: RoundOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="发布公示",
             description="所有支部完成最终审核（或已作截止处理）后发布公示，公示期为周期设定的天数；公示期间任何人可在公示页面提出异议。")
def publish_notice(request, round_id: int):
    rnd = _round(request.user, round_id)
    denied = _manage(request.user, rnd, "公示")
    if denied:
        return denied
    try:
        start_notice(rnd, request.user)
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, _detail(request.user, rnd.pk))


@router.delete("/rounds/{int:round_id}/notice", response={200: RoundOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="撤回公示",
               description="撤回公示，周期回到“自评与审核”阶段（如需更正结果）；已提交的异议保留，认定前仍须处理。再次发布公示时重新计算公示期。")
def withdraw(request, round_id: int):
    rnd = _round(request.user, round_id)
    denied = _manage(request.user, rnd, "撤回公示")
    if denied:
        return denied
    try:
        withdraw_notice(rnd, request.user)
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, _detail(request.user, rnd.pk))


class RecognisedOut(Schema):
    recognised: int = Field(..., description="认定的支部数")
    round: RoundOut = Field(..., description="认定后的评星周期")


@router.post("/rounds/{int:round_id}/recognise", response={200: RecognisedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="认定评星结果",
             description="公示期满且异议全部处理后认定：记录各支部的结果，更新持有的星（新增、失去），写入评星记录。")
def recognise_round(request, round_id: int):
    rnd = _round(request.user, round_id)
    denied = _manage(request.user, rnd, "认定")
    if denied:
        return denied
    try:
        count = recognise(rnd, request.user, today=timezone.localdate())
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, {"recognised": count, "round": _detail(request.user, rnd.pk)})
