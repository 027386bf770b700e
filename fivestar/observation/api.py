"""季观摩与红黑旗 over the API (/api/v1/observation/…), through the same services and scoping as the pages: events
(list, detail with the score sheet), an observer's scores, the ranking (live or published, publish), flag rounds
(list, detail, propose, confirm, publish). Out of scope → 404; no authority → 403; a refused step → 400 in Chinese."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.orgs.models import Level, OrgUnit

from .exports import ranking_response
from .models import FlagRound, ObservationEvent
from .services.access import can_manage, can_view, is_observer
from .services.errors import ObservationError
from .services.events import (compute_ranking, create_event, eligible_observers, link_meeting, observation_meetings,
                              publish_ranking, save_scores)
from .services.flags import adjust_flag, confirm_flags, propose_flags, publish_flags
from .services.town_settings import save_settings, settings_for, weights_of

router = Router(tags=["季观摩与红黑旗"])


class ObsEventOut(Schema):
    id: int
    unit: UnitRefOut
    title: str
    date: datetime.date
    status: str
    status_name: str
    observer: bool = Field(..., description="当前账号是否为本次观摩的评分人")
    meeting_id: int | None = Field(None, description="关联的季观摩会（/api/v1/meetings/{id}）")


Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ObsItemIn(Schema):
    name: str = Field(..., max_length=60)
    weight: Decimal = Field(..., gt=0, le=100)
    max_score: int = Field(100, ge=1, le=1000)


class ObsEventIn(Schema):
    unit: str = Field(..., max_length=15, description="组织单位（乡镇或县）代码")
    title: str = Field(..., max_length=100)
    date: datetime.date
    items: list[ObsItemIn] = Field(..., min_length=1, max_length=20, description="评分表：项目、权重、满分")
    observer_ids: list[Id] = Field(..., min_length=1, max_length=200, description="评分人账号编号（见 /observation/units/{unit}/observers）")
    villages: list[str] = Field(..., min_length=1, max_length=600, description="观摩村（社区）代码")
    meeting_id: Id | None = Field(None, description="关联的季观摩会（本单位召开的）")


class ObsMeetingIn(Schema):
    meeting_id: Id | None = Field(..., description="季观摩会编号；null 取消关联")


class ObsObserverOut(Schema):
    id: int = Field(..., description="账号编号")
    name: str


class ObsEventPage(Schema):
    count: int
    items: list[ObsEventOut]


class ScoreItemOut(Schema):
    id: int
    name: str
    weight: Decimal
    max_score: int


class ObsEventDetailOut(ObsEventOut):
    items: list[ScoreItemOut]
    villages: list[UnitRefOut]


class ScoresIn(Schema):
    village: str = Field(..., max_length=15, description="村（社区）代码")
    scores: dict[int, Decimal] = Field(..., description="评分项目 id → 分数（0 至满分）")


class RankingRowOut(Schema):
    rank: int | None
    code: str
    name: str
    score: Decimal | None
    observers: int
    dropped: bool


class RankingOut(Schema):
    published: bool
    rows: list[RankingRowOut]


class FlagEntryOut(Schema):
    rank: int
    code: str
    name: str
    score: Decimal
    flag: str
    problems: int
    observation_score: Decimal | None
    rules_ratio: Decimal | None
    attention: bool
    proposed_flag: str = Field(..., description="按规则评出的建议旗帜：red、black 或空")
    adjusted: bool = Field(..., description="是否经乡镇手工调整（flag 与 proposed_flag 不同）")
    adjusted_reason: str = Field(..., description="手工调整的原因")


class FlagRoundOut(Schema):
    id: int
    town: UnitRefOut
    period: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    status_name: str


class FlagEventOut(Schema):
    at: datetime.datetime
    user: str = Field(..., description="操作人")
    action: str = Field(..., description="propose 生成评选建议、adjust 手工调整、confirm 确认、publish 发布")
    action_name: str
    village: str | None = Field(None, description="所涉村（社区）代码（手工调整时）")
    detail: str


class FlagRoundDetailOut(FlagRoundOut):
    red_count: int
    black_count: int
    entries: list[FlagEntryOut]
    events: list[FlagEventOut] = Field(..., description="评选记录（最近 100 条，按时间先后）")


class FlagAdjustIn(Schema):
    village: str = Field(..., max_length=15, description="村（社区）代码")
    flag: Literal["red", "black", "none"] = Field(..., description="改为：red 红旗、black 黑旗、none 不授旗")
    reason: str = Field(..., max_length=200, description="调整原因（必填）")


class ProposeIn(Schema):
    town: str = Field(..., max_length=15, description="乡镇代码")
    month: datetime.date = Field(..., description="评选周期内的任一日期")


class ObsWeights(Schema):
    inspection: float = Field(..., ge=0, le=100, description="人居环境督导问题（生态宜居星）的权重")
    observation: float = Field(..., ge=0, le=100, description="观摩得分的权重")
    rules: float = Field(..., ge=0, le=100, description="生态宜居星细则得分率的权重")


class ObsSettingsOut(Schema):
    town: UnitRefOut
    drop_extremes_min: int = Field(..., description="评分人达到此人数时去掉一个最高分和一个最低分")
    flag_period: str = Field(..., description="红黑旗评选周期：month 每月、quarter 每季度")
    red_count: int
    black_count: int
    weights: ObsWeights
    saved: bool = Field(..., description="是否已保存过（否则为默认值）")
    can_edit: bool


class ObsSettingsIn(Schema):
    """Only the values given change."""
    drop_extremes_min: int | None = Field(None, ge=3, le=50)
    flag_period: Literal["month", "quarter"] | None = None
    red_count: int | None = Field(None, ge=0, le=50)
    black_count: int | None = Field(None, ge=0, le=50)
    weights: ObsWeights | None = None


E = ApiErrorOut


def _unit(u) -> dict:
    return {"code": u.code, "name": u.display_name}


def _event_out(e, user, observer_ids=None) -> dict:
    observer = e.pk in observer_ids if observer_ids is not None else is_observer(user, e)
    return {"id": e.pk, "unit": _unit(e.org_unit), "title": e.title, "date": e.date, "status": e.status,
            "status_name": e.get_status_display(), "observer": observer, "meeting_id": e.meeting_id}


def _event(user, pk) -> ObservationEvent:
    e = ObservationEvent.objects.select_related("org_unit").filter(pk=pk).first()
    if e is None or not (can_view(user, e.org_unit) or is_observer(user, e)):
        raise Http404
    return e


def _visible_events(user):
    return (ObservationEvent.objects.visible_to(user) | ObservationEvent.objects.filter(observers=user)).distinct()


@router.get("/observation/events", response=ObsEventPage, summary="观摩活动列表",
            description="可见范围内（或本人为评分人）的观摩活动，按日期倒序，分页。")
def events(request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)):
    qs = _visible_events(request.user).select_related("org_unit").order_by("-date", "-id")
    page = list(qs[offset:offset + limit])
    mine = set(ObservationEvent.objects.filter(pk__in=[e.pk for e in page], observers=request.user).values_list("pk", flat=True))
    return {"count": qs.count(), "items": [_event_out(e, request.user, mine) for e in page]}


@router.get("/observation/events/{int:event_id}", response={200: ObsEventDetailOut, 404: E}, summary="观摩活动详情（评分表）")
def event(request, event_id: int):
    return _event_detail(_event(request.user, event_id), request.user)


def _event_detail(e, user) -> dict:
    return {**_event_out(e, user), "items": [{"id": i.pk, "name": i.name, "weight": i.weight, "max_score": i.max_score} for i in e.items.all()],
            "villages": [_unit(v) for v in e.villages.order_by("code")]}


def _managed_unit(user, code) -> OrgUnit:
    unit = OrgUnit.objects.visible_to(user).filter(code=code[:15], level__in=(Level.TOWN, Level.COUNTY)).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/observation/units/{unit}/observers", response={200: list[ObsObserverOut], 403: E, 404: E}, summary="可选的观摩评分人",
            description="在该单位或其下级担任角色的有效账号（最多 500 个），供新建观摩活动时选择。")
def observers(request, unit: str):
    scope = _managed_unit(request.user, unit)
    if not can_manage(request.user, scope):
        return Status(403, {"detail": f"您无权组织「{scope.display_name}」的观摩。"})
    return [{"id": u.pk, "name": u.get_full_name() or u.username} for u in eligible_observers(scope).order_by("username")[:500]]


@router.post("/observation/events", response={201: ObsEventDetailOut, 400: E, 403: E, 404: E}, summary="新建观摩活动",
             description="评分表（项目、权重、满分）、评分人、观摩村，可关联本单位的季观摩会；评分人会收到评分通知。")
def create(request, body: ObsEventIn):
    user = request.user
    scope = _managed_unit(user, body.unit)
    if not can_manage(user, scope):
        return Status(403, {"detail": f"您无权组织「{scope.display_name}」的观摩。"})
    codes = list(dict.fromkeys(c[:15] for c in body.villages))
    ids = dict(OrgUnit.objects.filter(code__in=codes, level=Level.VILLAGE, path__startswith=scope.path).values_list("code", "pk"))
    missing = [c for c in codes if c not in ids]
    meeting = None
    if body.meeting_id:
        meeting = observation_meetings(scope).filter(pk=body.meeting_id).first()
    try:
        if missing:
            raise ObservationError(f"观摩村不在「{scope.display_name}」辖区内：{'、'.join(m[:15] for m in missing[:5])}。")
        if body.meeting_id and meeting is None:
            raise ObservationError("所选季观摩会不存在或不是本单位召开的。")
        e = create_event(user, scope, title=body.title, date=body.date, items=[i.dict() for i in body.items],
                         observer_ids=body.observer_ids, village_ids=list(ids.values()), meeting=meeting)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return Status(201, _event_detail(_event(user, e.pk), user))


@router.put("/observation/events/{int:event_id}/meeting", response={200: ObsEventDetailOut, 400: E, 403: E, 404: E},
            summary="关联季观摩会", description="把观摩活动关联到本单位召开的季观摩会（meeting_id 为 null 时取消关联）；记入操作记录。")
def set_meeting(request, event_id: int, body: ObsMeetingIn):
    e = _event(request.user, event_id)
    if not can_manage(request.user, e.org_unit):
        return Status(403, {"detail": f"您无权修改「{e.org_unit.display_name}」的观摩活动。"})
    meeting = observation_meetings(e.org_unit).filter(pk=body.meeting_id).first() if body.meeting_id else None
    try:
        if body.meeting_id and meeting is None:
            raise ObservationError("所选季观摩会不存在或不是本单位召开的。")
        link_meeting(request.user, e, meeting)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return _event_detail(_event(request.user, event_id), request.user)


@router.post("/observation/events/{int:event_id}/scores", response={200: RankingRowOut, 400: E, 403: E, 404: E},
             summary="提交评分（评分人）", description="一次提交一个村的全部评分项目；排名发布后不能再改。")
def submit_scores(request, event_id: int, body: ScoresIn):
    e = _event(request.user, event_id)
    if not is_observer(request.user, e):
        return Status(403, {"detail": "您不是本次观摩的评分人，不能评分。"})
    village = e.villages.filter(code=body.village).first()
    if village is None:
        raise Http404
    try:
        save_scores(request.user, e, village, {k: v for k, v in body.scores.items()})
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return next(r for r in compute_ranking(e) if r["village_id"] == village.pk)


def _ranking(e) -> dict:
    if e.status == ObservationEvent.Status.PUBLISHED:
        rows = [{"rank": r.rank, "code": r.village.code, "name": r.village.display_name, "score": r.score, "observers": r.observer_count,
                 "dropped": r.dropped_extremes} for r in e.ranking.select_related("village")]
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
        return {"published": True, "rows": rows}
    return {"published": False, "rows": compute_ranking(e)}


@router.get("/observation/events/{int:event_id}/ranking", response={200: RankingOut, 404: E}, summary="观摩排名")
def ranking(request, event_id: int):
    return _ranking(_event(request.user, event_id))


@router.get("/observation/events/{int:event_id}/ranking.xlsx", response={200: None, 404: E}, summary="导出观摩排名（Excel）",
            description="已发布的排名，与页面导出相同：名次、村（社区）、代码、得分、评分人数、是否去掉最高最低分；未排名的村在最后。"
                        "排名未发布时为 404。")
def ranking_xlsx(request, event_id: int):
    e = _event(request.user, event_id)
    if e.status != ObservationEvent.Status.PUBLISHED:
        return Status(404, {"detail": "本次观摩的排名尚未发布，不能导出。"})
    return ranking_response(e)


@router.post("/observation/events/{int:event_id}/publish", response={200: RankingOut, 400: E, 403: E, 404: E}, summary="发布观摩排名")
def publish(request, event_id: int):
    e = _event(request.user, event_id)
    if not can_manage(request.user, e.org_unit):
        return Status(403, {"detail": "您无权发布本次观摩的排名。"})
    try:
        publish_ranking(request.user, e)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return _ranking(_event(request.user, event_id))


def _round_out(r) -> dict:
    return {"id": r.pk, "town": _unit(r.town), "period": r.period, "period_start": r.period_start, "period_end": r.period_end,
            "status": r.status, "status_name": r.get_status_display()}


def _who(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def _round_detail(r) -> dict:
    entries = r.entries.select_related("village")
    events = r.events.select_related("user", "village").order_by("-at", "-id")[:100]
    return {**_round_out(r), "red_count": r.red_count, "black_count": r.black_count,
            "entries": [{"rank": x.rank, "code": x.village.code, "name": x.village.display_name, "score": x.score,
                         "flag": x.flag, "problems": x.problems, "observation_score": x.observation_score,
                         "rules_ratio": x.rules_ratio, "attention": x.attention, "proposed_flag": x.proposed_flag,
                         "adjusted": x.adjusted, "adjusted_reason": x.adjusted_reason} for x in entries],
            "events": [{"at": e.at, "user": _who(e.user), "action": e.action, "action_name": e.get_action_display(),
                        "village": e.village.code if e.village else None, "detail": e.detail} for e in reversed(list(events))]}


def _round(user, pk) -> FlagRound:
    r = FlagRound.objects.visible_to(user).select_related("town").filter(pk=pk).first()
    if r is None:
        raise Http404
    return r


@router.get("/observation/flags", response=list[FlagRoundOut], summary="红黑旗评选列表", description="最近 200 次，按周期倒序。")
def flag_rounds(request):
    return [_round_out(r) for r in FlagRound.objects.visible_to(request.user).select_related("town").order_by("-period_start", "-id")[:200]]


@router.get("/observation/flags/{int:round_id}", response={200: FlagRoundDetailOut, 404: E}, summary="红黑旗评选详情")
def flag_round(request, round_id: int):
    return _round_detail(_round(request.user, round_id))


@router.post("/observation/flags", response={201: FlagRoundDetailOut, 400: E, 403: E, 404: E}, summary="生成红黑旗评选建议")
def propose(request, body: ProposeIn):
    town = OrgUnit.objects.visible_to(request.user).filter(code=body.town, level=Level.TOWN).first()
    if town is None:
        raise Http404
    if not can_manage(request.user, town):
        return Status(403, {"detail": f"您无权评选「{town.display_name}」的红黑旗。"})
    try:
        r = propose_flags(request.user, town, body.month)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return Status(201, _round_detail(_round(request.user, r.pk)))


def _step(request, round_id, step):
    r = _round(request.user, round_id)
    if not can_manage(request.user, r.town):
        return Status(403, {"detail": "您无权确认或发布本乡镇的红黑旗。"})
    try:
        step(request.user, r)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return _round_detail(_round(request.user, round_id))


@router.post("/observation/flags/{int:round_id}/confirm", response={200: FlagRoundDetailOut, 400: E, 403: E, 404: E}, summary="确认红黑旗")
def confirm(request, round_id: int):
    return _step(request, round_id, confirm_flags)


@router.post("/observation/flags/{int:round_id}/publish", response={200: FlagRoundDetailOut, 400: E, 403: E, 404: E}, summary="发布红黑旗")
def publish_round(request, round_id: int):
    return _step(request, round_id, publish_flags)


def _settings_out(user, town) -> dict:
    row = settings_for(town)
    return {"town": _unit(town), "drop_extremes_min": row.drop_extremes_min, "flag_period": row.flag_period,
            "red_count": row.red_count, "black_count": row.black_count, "weights": weights_of(row), "saved": row.pk is not None,
            "can_edit": can_manage(user, town)}


def _town(user, code) -> OrgUnit:
    town = OrgUnit.objects.visible_to(user).filter(code=code[:15], level=Level.TOWN).first()
    if town is None:
        raise Http404
    return town


@router.get("/observation/settings/{town}", response={200: ObsSettingsOut, 404: E}, summary="观摩与红黑旗设置")
def town_settings(request, town: str):
    return _settings_out(request.user, _town(request.user, town))


@router.put("/observation/settings/{town}", response={200: ObsSettingsOut, 400: E, 403: E, 404: E}, summary="修改观摩与红黑旗设置",
            description="只改给出的项；下次评选起生效，已生成的评选不变。记入操作记录。")
def save_town_settings(request, town: str, body: ObsSettingsIn):
    unit = _town(request.user, town)
    if not can_manage(request.user, unit):
        return Status(403, {"detail": f"您无权修改「{unit.display_name}」的观摩与红黑旗设置。"})
    try:
        save_settings(request.user, unit, drop_extremes_min=body.drop_extremes_min, flag_period=body.flag_period,
                      red_count=body.red_count, black_count=body.black_count,
                      weights=body.weights.dict() if body.weights is not None else None)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return _settings_out(request.user, unit)


@router.post("/observation/flags/{int:round_id}/adjust", response={200: FlagRoundDetailOut, 400: E, 403: E, 404: E},
             summary="手工调整一个村的旗帜（确认前）",
             description="在评选建议确认前，乡镇把一个村的旗帜改为红旗、黑旗或不授旗，须填原因；记入评选记录，规则的建议保留在 proposed_flag。")
def adjust(request, round_id: int, body: FlagAdjustIn):
    r = _round(request.user, round_id)
    if not can_manage(request.user, r.town):
        return Status(403, {"detail": f"您无权调整「{r.town.display_name}」的红黑旗。"})
    entry = r.entries.filter(village__code=body.village).select_related("village").first()
    if entry is None:
        return Status(404, {"detail": "该村（社区）不在本次评选中。"})
    try:
        adjust_flag(request.user, r, entry.village, body.flag, body.reason)
    except ObservationError as exc:
        return Status(400, {"detail": exc.message})
    return _round_detail(_round(request.user, round_id))
