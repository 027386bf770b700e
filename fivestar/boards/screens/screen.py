"""The big screen (大屏): what a town's or a county's meeting-room screen shows, as plain data.

One function per kind of unit, both reading the board selectors (so the screen shows what the board shows,
scoped the same way and with the same constant number of queries). The page renders it at 1920×1080 and
reloads itself every `REFRESH_SECONDS`; a town with more villages than fit on one screen is shown a page
at a time, the next page at each reload, so the wall cycles through them without anyone touching it.
"""

from __future__ import annotations

import math

from django.utils import timezone

from fivestar.boards import geo, states
from fivestar.boards.selectors import town_board, unit_board
from fivestar.orgs.models import Level

from . import exports

REFRESH_SECONDS = 60
VILLAGES_PER_SCREEN = 60  # 5 columns × 12 rows of village cards
CHILDREN_ON_SCREEN = 14  # rows of the comparison table beside a county's map
SIDE_LIST = 8  # flags, ranking, changes: the first few


def short_star(name: str) -> str:
    """党建星 → 党建: the column heads of the screen are narrow."""
    return name.removesuffix("星") if len(name) > 2 else name


def _page(value, pages: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return 1
    return (n - 1) % pages + 1 if n >= 1 else 1


def town_screen(user, town, year, page=1) -> dict:
    data = town_board(user, town, year)
    codes = [code for code, _ in data["stars"]]
    cards = []
    for row in data["rows"]:
        cells = []
        for code in codes:
            c = row["cells"].get(code) or {}
            state = c.get("state") or states.NOT_TARGETED
            cells.append({"state": state, "colour": states.COLOURS[state], "ink": states.TEXT_COLOURS[state],
                          "mark": states.MARKS[state] + (states.FLAGGED_MARK if c.get("flagged") else ""),
                          "label": states.LABELS[state]})
        cards.append({"name": exports._name(row["village"]), "cells": cells, "rating": row.get("rating_held", 0),
                      "target": row.get("target_rating") or 0})
    pages = max(1, math.ceil(len(cards) / VILLAGES_PER_SCREEN))
    page = _page(page, pages)
    shown = cards[(page - 1) * VILLAGES_PER_SCREEN: page * VILLAGES_PER_SCREEN]
    figures = data.get("figures") or {}
    return {
        "kind": "town", "unit": town, "unit_name": exports._name(town), "year": data["year"],
        "title": f"{exports._name(town)} {data['year']} 年度五星支部创建 · 挂图作战",
        "updated": exports.updated_text(data.get("updated_at")), "now": timezone.localtime(),
        "stars": [{"code": c, "name": n, "short": short_star(n)} for c, n in data["stars"]],
        "cards": shown, "page": page, "pages": pages, "villages": len(cards),
        "headline": exports.headline(figures) if figures else [],
        "legend": states.legend(), "flagged_mark": states.FLAGGED_MARK,
        "flags": [{"village": exports._name(f["village"]), "flag": f.get("flag"), "flag_name": f.get("flag_name")}
                  for f in data.get("flags") or []][:SIDE_LIST * 2],
        "flags_month": data.get("flags_month", ""),
        "ranking": [{"rank": r.get("rank"), "village": exports._name(r.get("village")), "score": r.get("score")}
                    for r in data.get("last_observation") or []][:SIDE_LIST],
        "changed": [{"village": exports._name(c["village"]), "gained": "、".join(c.get("gained") or []),
                     "lost": "、".join(c.get("lost") or [])} for c in data.get("changed") or []][:SIDE_LIST],
        "plan": data.get("plan"),
    }


def unit_screen(user, unit, year, page=1) -> dict:
    data = unit_board(user, unit, year, per_page=exports.ALL_CHILDREN)
    figures = data.get("figures") or {}
    children = sorted(data.get("children") or [], key=lambda c: -(geo.share_high(c.get("figures")) or -1))
    pages = max(1, math.ceil(len(children) / CHILDREN_ON_SCREEN))
    page = _page(page, pages)
    rows = []
    for child in children[(page - 1) * CHILDREN_ON_SCREEN: page * CHILDREN_ON_SCREEN]:
        f = child.get("figures") or {}
        share = geo.share_high(f)
        colour, _ = geo.bucket(share)
        by_rating = f.get("held_by_rating") or {}
        cells = exports.cell_totals(f)
        rows.append({"name": exports._name(child["unit"]), "branches": int(f.get("branches") or 0),
                     "five": int(by_rating.get("5") or 0), "four": int(by_rating.get("4") or 0),
                     "share": geo.percent(share), "colour": colour, "at_risk": cells.get(states.AT_RISK, 0),
                     "overdue": exports._n(f, "problems", "overdue") + exports._n(f, "tasks", "overdue")})
    doc_map = exports.map_for(data, width=980, height=700)
    for shape in doc_map["shapes"]:
        shape["y2"] = shape["y"] + 26
    trend = [{"round": t.get("round", ""), "high": int((t.get("by_rating") or {}).get("4") or 0)
              + int((t.get("by_rating") or {}).get("5") or 0)} for t in data.get("trend") or []][-6:]
    top = max([t["high"] for t in trend] + [1])
    for t in trend:
        t["bar"] = max(2, int(80 * t["high"] / top))
    below = {Level.PROVINCE: "各市", Level.CITY: "各县（市、区）", Level.COUNTY: "各乡镇"}.get(unit.level, "下级单位")
    return {
        "kind": "unit", "unit": unit, "unit_name": exports._name(unit), "year": data["year"],
        "title": f"{exports._name(unit)} {data['year']} 年度五星支部创建 · 挂图作战",
        "updated": exports.updated_text(data.get("updated_at")), "now": timezone.localtime(),
        "headline": exports.headline(figures) if figures else [],
        "below": below, "rows": rows, "page": page, "pages": pages, "children": len(children),
        "map": doc_map, "trend": trend,
    }


def screen_for(user, unit, year, page=1) -> dict:
    """The screen of a town or of a county and above (Http404 for anything else or out of scope)."""
    from django.http import Http404

    if unit is None or unit.level > Level.TOWN:
        raise Http404("大屏仅适用于乡镇及以上单位。")
    if unit.level == Level.TOWN:
        return town_screen(user, unit, year, page)
    return unit_screen(user, unit, year, page)
