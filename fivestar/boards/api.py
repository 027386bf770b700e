"""挂图作战 over the API (/api/v1/boards/…): a town's matrix and side figures, a county's, city's or province's
roll-up with a page of its children — the same selectors and scope as the pages. Out of scope → 404; junk
parameters → 422 in Chinese."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.orgs.models import Category, Level, OrgUnit

from . import params, selectors, states

router = Router(tags=["挂图作战"])


class StateOut(Schema):
    code: str = Field(..., description="held 已获得 | on_track 目标·推进正常 | at_risk 目标·有风险 | withdrawn 本年被摘星 | not_targeted 未列目标")
    label: str
    colour: str
    mark: str = Field(..., description="不依赖颜色的标记")


class BoardStarOut(Schema):
    code: str
    name: str


class CellOut(Schema):
    state: str = Field(..., description="格子状态；空字符串表示该星不适用于此类型支部")
    reasons: list[str]
    flagged: bool = Field(..., description="已获得但有逾期问题或任务")
    url: str = Field(..., description="格子详情页面")


class BoardRowOut(Schema):
    village: UnitRefOut
    area: str
    category: str
    cells: dict[str, CellOut]
    rating_held: int
    target_rating: int


class PlanOut(Schema):
    rating_counts: dict
    star_counts: dict
    note: str = ""


class FlagOut(Schema):
    village: UnitRefOut
    flag: str
    flag_name: str


class RankOut(Schema):
    rank: int | None
    village: UnitRefOut
    score: str | None


class ChangedOut(Schema):
    village: UnitRefOut
    gained: list[str]
    lost: list[str]


class TownBoardOut(Schema):
    town: UnitRefOut
    year: int
    stars: list[BoardStarOut]
    legend: list[StateOut]
    rows: list[BoardRowOut]
    figures: dict | None = Field(..., description="乡镇保存的统计数（BoardStats.figures）")
    derived: dict
    plan: PlanOut | None
    flags_month: str
    flags: list[FlagOut]
    last_observation: list[RankOut]
    changed: list[ChangedOut]
    updated_at: datetime.datetime | None


class ChildOut(Schema):
    unit: UnitRefOut
    id: int
    level: int
    figures: dict
    derived: dict
    url: str


class TrendOut(Schema):
    round: str
    by_rating: dict
    total: int


class UnitBoardOut(Schema):
    unit: UnitRefOut
    id: int
    level: int
    year: int
    figures: dict | None
    derived: dict
    plan: PlanOut | None
    count: int = Field(..., description="下一级单位总数（按查询条件）")
    children: list[ChildOut]
    trend: list[TrendOut]
    breadcrumbs: list[UnitRefOut]
    updated_at: datetime.datetime | None


E = ApiErrorOut


def _ref(unit) -> dict:
    return {"code": unit.code, "name": unit.display_name}


def _unit(unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/boards/town/{int:town_id}", response={200: TownBoardOut, 404: E}, summary="乡镇挂图作战（村×星矩阵与侧栏数据）")
def town_board(request, town_id: int, year: int | None = Query(None, ge=2000, le=2100, description="年度（默认本年度）"),
               area: int | None = Query(None, ge=1, le=2**31 - 1, description="片区编号"),
               category: Category | None = Query(None, description="创建类别"),
               star: str | None = Query(None, max_length=20, description="只看这一颗星")):
    town = _unit(town_id)
    b = selectors.town_board(request.user, town, params.year_of(year), area=area, category=category.value if category else None, star=star)
    return {
        "town": _ref(town), "year": b["year"], "stars": [{"code": c, "name": n} for c, n in b["columns"]],
        "legend": [{k: s[k] for k in ("code", "label", "colour", "mark")} for s in states.legend()],
        "rows": [{"village": _ref(r["village"]), "area": r["area"], "category": r["category"], "cells": r["cells"],
                  "rating_held": r["rating_held"], "target_rating": r["target_rating"]} for r in b["rows"]],
        "figures": b["figures"], "derived": b["derived"], "plan": b["plan"], "flags_month": b["flags_month"],
        "flags": [{"village": _ref(f["village"]), "flag": f["flag"], "flag_name": f["flag_name"]} for f in b["flags"]],
        "last_observation": [{"rank": r["rank"], "village": _ref(r["village"]), "score": None if r["score"] is None else str(r["score"])}
                             for r in b["last_observation"]],
        "changed": [{"village": _ref(c["village"]), "gained": c["gained"], "lost": c["lost"]} for c in b["changed"]],
        "updated_at": b["updated_at"],
    }


@router.get("/boards/unit/{int:unit_id}", response={200: UnitBoardOut, 404: E}, summary="县、市、省挂图作战（汇总与下一级对比）")
def unit_board(request, unit_id: int, year: int | None = Query(None, ge=2000, le=2100, description="年度（默认本年度）"),
               q: str = Query("", max_length=50, description="按名称、拼音首字母或代码查找下一级单位"),
               limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)):
    unit = _unit(unit_id)
    if unit.level >= Level.TOWN:
        raise Http404
    page = offset // limit + 1
    b = selectors.unit_board(request.user, unit, params.year_of(year), q=q, page=page, per_page=limit)
    return {
        "unit": _ref(unit), "id": unit.pk, "level": unit.level, "year": b["year"], "figures": b["figures"], "derived": b["derived"],
        "plan": b["plan"], "count": b["page"].paginator.count,
        "children": [{"unit": _ref(c["unit"]), "id": c["unit"].pk, "level": c["unit"].level, "figures": c["figures"],
                      "derived": c["derived"], "url": c["url"]} for c in b["children"]] if page <= b["page"].paginator.num_pages else [],
        "trend": b["trend"], "breadcrumbs": [_ref(u) for u in b["breadcrumbs"]], "updated_at": b["updated_at"],
    }
