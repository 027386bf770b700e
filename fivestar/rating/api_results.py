"""Handling one objection (异议: 不予采纳 / 予以采纳 with a reason) and a branch's rating history (stars held over
time) over the API, through the same selectors and services as the pages. Listing objections and dismissing
them in bulk are in `api.py`; filing one stays on the public notice page (no login).
"""

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from .api import ObjectionOut, _out as objection_out
from .api import _round as objection_round
from .api_common import ErrorOut, FilledText, check_id, refused
from .selectors_history import village_history, visible_village
from .selectors_objections import objections_for
from .services import WorkflowError, resolve_objection

router = Router(tags=["评星定级"])


class ResolveIn(Schema):
    decision: Literal["dismiss", "uphold"] = Field(..., description="dismiss 不予采纳 | uphold 予以采纳（该支部申报退回最后一级审核复核）")
    resolution: FilledText = Field(..., max_length=2000, description="处理意见（必填）")


@router.post("/rounds/{int:round_id}/objections/{int:objection_id}/resolve",
             response={200: ObjectionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="处理一条公示异议",
             description="不予采纳或予以采纳，须填写处理意见；予以采纳时该支部的申报退回最后一级审核复核，周期回到“自评与审核”阶段。"
                         "您看不到的异议返回 404，看得到但无权处理（非本级管理员）返回 403，已处理的返回 400。")
def resolve(request, round_id: int, objection_id: int, payload: ResolveIn):
    rnd = objection_round(request.user, round_id)
    objection = (objections_for(request.user, rnd).select_related("round", "assessment__org_unit", "assessment__org_unit__parent")
                 .filter(pk=check_id(objection_id)).first())
    if objection is None:
        raise Http404
    try:
        resolve_objection(objection, request.user, payload.decision == "uphold", payload.resolution)
    except WorkflowError as exc:
        if "无权" in exc.message:
            return Status(403, {"detail": exc.message})
        return refused(exc)
    return Status(200, objection_out(objection))


# ---- a branch's rating history ---------------------------------------------------------------------------------


class HoldingOut(Schema):
    star: str = Field(..., description="星代码")
    star_name: str = Field(..., description="星名称")
    gained_round: int | None = Field(None, description="获得该星的评星周期编号")
    gained_round_name: str | None = Field(None, description="获得该星的评星周期名称")
    gained_at: datetime = Field(..., description="获得时间")
    lost_round: int | None = Field(None, description="失去该星的评星周期编号（复评未达标时）")
    lost_round_name: str | None = Field(None, description="失去该星的评星周期名称")
    lost_at: datetime | None = Field(None, description="失去时间；为空表示目前仍持有")
    lost_reason: str = Field("", description="失去原因")
    withdrawn: bool = Field(..., description="是否因否决事项被摘星（不是复评未达标）")
    withdrawn_by: str = Field("", description="摘星的办理人")


class ResultOut(Schema):
    round_id: int = Field(..., description="评星周期编号")
    round_name: str = Field(..., description="评星周期名称")
    rating: int = Field(..., description="认定的星级（0–5）")
    rating_label: str = Field(..., description="星级名称")
    awarded: list[str] = Field(..., description="认定获得的星（代码）")
    gained: list[str] = Field(..., description="本次新增的星（代码）")
    lost: list[str] = Field(..., description="本次失去的星（代码）")
    expired: bool = Field(False, description="未按期完成（按周期设定处理，不是评定结果）")
    recognised_at: datetime = Field(..., description="认定时间")


class TimelineOut(Schema):
    at: datetime = Field(..., description="时间")
    kind: str = Field(..., description="类型：recognised 认定 | withdrawn 摘星")
    title: str = Field(..., description="标题")
    stars: list[str] = Field(..., description="认定后持有的星（名称）")
    gained: list[str] = Field(..., description="新增的星（名称）")
    lost: list[str] = Field(..., description="失去的星（名称）")
    reason: str = Field("", description="原因")
    by: str = Field("", description="办理单位或办理人")


class VetoOut(Schema):
    rule: str = Field(..., description="否决细则编码")
    rule_text: str = Field("", description="细则内容")
    star: str = Field(..., description="涉及的星代码")
    star_name: str = Field(..., description="涉及的星名称")
    occurred_on: str = Field(..., description="发生日期")
    description: str = Field(..., description="情况说明")
    recorded_by: str = Field("", description="记录人")


class HistoryOut(Schema):
    village: str = Field(..., description="村（社区）代码")
    village_name: str = Field(..., description="村（社区）名称")
    rating: int = Field(..., description="目前持有的星数")
    rating_label: str = Field(..., description="目前的星级名称")
    active: list[HoldingOut] = Field(..., description="目前持有的星")
    holdings: list[HoldingOut] = Field(..., description="历来持有过的星（含已失去的），按星排列")
    results: list[ResultOut] = Field(..., description="各评星周期的认定结果，最新的在前")
    timeline: list[TimelineOut] = Field(..., description="星级变化的时间线（认定、摘星），最新的在前")
    vetoes: list[VetoOut] = Field(..., description="记录的否决事项")


def _holding(h) -> dict:
    return {"star": h.star_code, "star_name": h.star_name, "gained_round": h.gained_round_id,
            "gained_round_name": h.gained_round.name if h.gained_round_id else None, "gained_at": h.gained_at,
            "lost_round": h.lost_round_id, "lost_round_name": h.lost_round.name if h.lost_round_id else None, "lost_at": h.lost_at,
            "lost_reason": h.lost_reason, "withdrawn": bool(getattr(h, "withdrawn", False)), "withdrawn_by": getattr(h, "lost_by", "") or ""}


@router.get("/villages/{code}/rating-history", response={200: HistoryOut, 404: ErrorOut}, summary="村（社区）评星记录",
            description="一个村（社区）历来的评星结果和持有的星：目前持有哪些星、何时因哪个评星周期获得或失去、被摘星的原因和办理人、"
                        "否决事项。与“评星记录”页面一致；不在您管辖范围内的返回 404。")
def rating_history(request, code: str):
    village = visible_village(request.user, code[:15])
    data = village_history(village)
    from .selectors_public import rating_label

    return {
        "village": village.code, "village_name": village.display_name, "rating": data["rating"], "rating_label": data["rating_label"],
        "active": [_holding(h) for h in data["active"]], "holdings": [_holding(h) for h in data["holdings"]],
        "results": [{"round_id": r.round_id, "round_name": r.round.name, "rating": r.rating, "rating_label": rating_label(r.rating),
                     "awarded": list(r.awarded), "gained": list(r.gained), "lost": list(r.lost), "expired": bool(getattr(r, "expired", False)),
                     "recognised_at": r.recognised_at} for r in data["results"]],
        "timeline": [{**{k: e.get(k) for k in ("at", "kind", "title", "stars", "gained", "lost")},
                      "reason": e.get("reason") or "", "by": e.get("by") or ""} for e in data["timeline"]],
        "vetoes": [{"rule": v.rule_code, "rule_text": getattr(v, "rule_text", ""), "star": v.star_code, "star_name": getattr(v, "star_name", v.star_code),
                    "occurred_on": v.occurred_on.isoformat(), "description": v.description, "recorded_by": getattr(v, "recorded_by_name", "")}
                   for v in data["vetoes"]],
    }
