"""季观摩与红黑旗 over the API (/api/v1/observation/…), through the same services and scoping as the pages: events
(list, detail with the score sheet), an observer's scores, the ranking (live or published, publish), flag rounds
(list, detail, propose, confirm, publish). Out of scope → 404; no authority → 403; a refused step → 400 in Chinese."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.orgs.models import Level, OrgUnit

from .models import FlagRound, ObservationEvent
from .services.access import can_manage, can_view, is_observer
from .services.errors import ObservationError
from .services.events import compute_ranking, publish_ranking, save_scores
from .services.flags import confirm_flags, propose_flags, publish_flags

router = Router(tags=["季观摩与红黑旗"])


class ObsEventOut(Schema):
    id: int
    unit: UnitRefOut
    title: str
    date: datetime.date
    status: str
    status_name: str
    observer: bool = Field(..., description="当前账号是否为本次观摩的评分人")


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


class FlagRoundOut(Schema):
    id: int
    town: UnitRefOut
    period: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    status_name: str


class FlagRoundDetailOut(FlagRoundOut):
    entries: list[FlagEntryOut]


class ProposeIn(Schema):
    town: str = Field(..., max_length=15, description="乡镇代码")
    month: datetime.date = Field(..., description="评选周期内的任一日期")


E = ApiErrorOut


def _unit(u) -> dict:
    return {"code": u.code, "name": u.display_name}


def _event_out(e, user, observer_ids=None) -> dict:
    observer = e.pk in observer_ids if observer_ids is not None else is_observer(user, e)
    return {"id": e.pk, "unit": _unit(e.org_unit), "title": e.title, "date": e.date, "status": e.status,
            "status_name": e.get_status_display(), "observer": observer}


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
    e = _event(request.user, event_id)
    return {**_event_out(e, request.user), "items": [{"id": i.pk, "name": i.name, "weight": i.weight, "max_score": i.max_score} for i in e.items.all()],
            "villages": [_unit(v) for v in e.villages.order_by("code")]}


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


def _round_detail(r) -> dict:
    entries = r.entries.select_related("village")
    return {**_round_out(r), "entries": [{"rank": x.rank, "code": x.village.code, "name": x.village.display_name, "score": x.score,
                                          "flag": x.flag, "problems": x.problems, "observation_score": x.observation_score,
                                          "rules_ratio": x.rules_ratio, "attention": x.attention} for x in entries]}


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
