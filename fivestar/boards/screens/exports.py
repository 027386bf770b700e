"""The board's lists as Excel, and the board as a *board document* (render.py draws it as PNG or PDF).

Everything here reads the data the board selectors return (`town_board`, `unit_board`): the exports show
exactly what the board shows, with the same scope and the same constant number of queries. Workbooks are
written row by row to write-only sheets (`core/xlsx.append_row`: formula-like text stays text) and saved to
a temporary file that the response streams, so memory stays bounded.

The one long export — every village under a county, city or province — is `village_rows`: it walks the
towns in chunks (A's `facts.load` per chunk, a fixed number of queries whatever the chunk's size) and is
run in the background by exports_jobs.py.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fivestar.core import xlsx
from fivestar.orgs.models import Category, Level, OrgUnit

from .. import geo, states

ALL_CHILDREN = 10_000  # unit_board's page size for exports and the screen: every child (a county has a few dozen)
RATING_LABELS = {str(r): ("未评星" if r == 0 else f"{'一二三四五'[r - 1]}星") for r in range(6)}


# -- figures in words ---------------------------------------------------------------------------------


def _n(d: dict | None, *keys, default=0):
    for key in keys:
        if not isinstance(d, dict):
            return default
        d = d.get(key)
    return default if d is None else d


def cell_totals(figures: dict) -> dict:
    """state → number of cells over all stars."""
    out = states.empty_cell_counts()
    for counts in (figures.get("cells") or {}).values():
        for state, n in counts.items():
            out[state] = out.get(state, 0) + int(n or 0)
    return out


def closure(figures: dict) -> tuple[str, str]:
    """(problem closure rate, mean days to close) in words."""
    problems = figures.get("problems") or {}
    total, closed = int(problems.get("total") or 0), int(problems.get("closed") or 0)
    rate = f"{closed * 100 / total:.0f}%" if total else "—"
    days = f"{problems.get('closed_days_sum', 0) / closed:.1f}" if closed else "—"
    return rate, days


def headline(figures: dict) -> list[dict]:
    """The figures a board leads with: the same on the big screen, the PDF and the picture."""
    by_rating = figures.get("held_by_rating") or {}
    cells = cell_totals(figures)
    rate, days = closure(figures)
    return [
        {"label": "支部数", "value": f"{int(figures.get('branches') or 0):,}"},
        {"label": "五星支部", "value": f"{int(by_rating.get('5') or 0):,}"},
        {"label": "四星支部", "value": f"{int(by_rating.get('4') or 0):,}"},
        {"label": "目标星·推进正常", "value": f"{cells.get(states.ON_TRACK, 0):,}"},
        {"label": "目标星·有风险", "value": f"{cells.get(states.AT_RISK, 0):,}"},
        {"label": "逾期问题", "value": f"{_n(figures, 'problems', 'overdue'):,}"},
        {"label": "逾期台账任务", "value": f"{_n(figures, 'tasks', 'overdue'):,}"},
        {"label": "问题整改率", "value": rate},
    ]


def updated_text(updated_at) -> str:
    if not updated_at:
        return "尚无统计数据"
    return f"数据更新于 {timezone.localtime(updated_at):%Y-%m-%d %H:%M}"


def _name(unit) -> str:
    return getattr(unit, "display_name", None) or getattr(unit, "name", "") or str(unit or "")


def _category(label) -> str:
    if not label:
        return ""
    return str(dict(Category.choices).get(label, label))


# In the picture and the PDF a cell is narrow: a short word beside the mark (the legend gives the full label).
SHORT_LABELS = {states.HELD: "已获得", states.ON_TRACK: "正常", states.AT_RISK: "风险", states.WITHDRAWN: "摘星",
                states.NOT_TARGETED: ""}


def state_cell(cell: dict | None) -> dict:
    """A matrix cell for the PNG/PDF: colour, mark (readable without colour) and a short word for the state."""
    state = (cell or {}).get("state") or states.NOT_TARGETED
    mark = states.MARKS.get(state, "")
    if (cell or {}).get("flagged"):
        mark += states.FLAGGED_MARK
    return {"text": SHORT_LABELS.get(state, states.LABELS.get(state, state)), "colour": states.COLOURS.get(state), "mark": mark}


def state_text(cell: dict | None) -> str:
    """A matrix cell for Excel: the label, plus why when the star carries overdue work."""
    state = (cell or {}).get("state") or states.NOT_TARGETED
    text = states.LABELS.get(state, state)
    if (cell or {}).get("flagged"):
        text += "（有逾期事项）"
    return text


# -- the town board -----------------------------------------------------------------------------------


def town_matrix_columns(data: dict) -> list[str]:
    return ["村（社区）", "片区", "类别", *[name for _, name in columns_of(data)], "已获星数", "目标星级"]


def columns_of(data: dict) -> list:
    """The star columns shown (one when the board is filtered to a star)."""
    return data.get("columns") or data["stars"]


def town_matrix_rows(data: dict, *, for_picture: bool):
    codes = [code for code, _ in columns_of(data)]
    for row in data["rows"]:
        cells = row.get("cells") or {}
        yield [
            _name(row["village"]), row.get("area") or "", _category(row.get("category")),
            *[(state_cell if for_picture else state_text)(cells.get(code)) for code in codes],
            row.get("rating_held", 0), row.get("target_rating") or "",
        ]


FLAG_COLUMNS = ["村（社区）", "旗帜", "名次"]


def _flag_rows(data: dict):
    for flag in data.get("flags") or []:
        yield [_name(flag.get("village")), flag.get("flag_name") or flag.get("flag", ""), flag.get("rank") or ""]


def _observation_rows(data: dict):
    for item in data.get("last_observation") or []:
        score = item.get("score")
        yield [item.get("rank") or "", _name(item.get("village")), float(score) if score is not None else ""]


def _changed_rows(data: dict):
    for item in data.get("changed") or []:
        yield [_name(item.get("village")), "、".join(item.get("gained") or []), "、".join(item.get("lost") or [])]


def town_doc(data: dict) -> dict:
    town, year, figures = data["town"], data["year"], data.get("figures") or {}
    tables = [{"title": "村（社区）× 五星 创建进度", "columns": town_matrix_columns(data),
               "rows": list(town_matrix_rows(data, for_picture=True))}]
    flags = list(_flag_rows(data))
    if flags:
        tables.append({"title": f"本月红黑旗（{data.get('flags_month', '')}）", "columns": FLAG_COLUMNS, "rows": flags})
    ranking = list(_observation_rows(data))
    if ranking:
        tables.append({"title": "最近一次观摩排名", "columns": ["名次", "村（社区）", "得分"], "rows": ranking})
    changed = list(_changed_rows(data))
    if changed:
        tables.append({"title": "较上一轮评星有变化的村（社区）", "columns": ["村（社区）", "新获得", "失去"], "rows": changed})
    return {
        "title": f"{_name(town)} {year} 年度挂图作战",
        "subtitle": f"{updated_text(data.get('updated_at'))} · 导出于 {timezone.localtime():%Y-%m-%d %H:%M}",
        "figures": headline(figures),
        "legend": [{"colour": s["colour"], "label": s["label"], "mark": s["mark"]} for s in states.legend()]
        + [{"colour": "#ffffff", "label": "已获得但有逾期问题/任务", "mark": states.FLAGGED_MARK}],
        "tables": tables, "map": None,
        "notes": ["颜色之外，每格的符号也标明状态：" + "，".join(f"{s['mark']} {s['label']}" for s in states.legend()) + "。"],
    }


def town_workbook(data: dict):
    """The town board's lists, one sheet each, in a temporary file (see module doc)."""
    wb = xlsx.write_only_workbook()
    _sheet(wb, "村星级矩阵", town_matrix_columns(data), town_matrix_rows(data, for_picture=False))
    _sheet(wb, "本月红黑旗", FLAG_COLUMNS, _flag_rows(data))
    _sheet(wb, "最近观摩排名", ["名次", "村（社区）", "得分"], _observation_rows(data))
    _sheet(wb, "较上轮变化", ["村（社区）", "新获得", "失去"], _changed_rows(data))
    _sheet(wb, "说明", ["项目", "内容"], [["单位", _name(data["town"])], ["年度", data["year"]],
                                      ["数据", updated_text(data.get("updated_at"))]])
    return xlsx.save_to_tempfile(wb)


def _sheet(wb, title: str, columns: list, rows) -> None:
    ws = wb.create_sheet(title)
    xlsx.append_row(ws, columns)
    for row in rows:
        xlsx.append_row(ws, row)


# -- county, city, province ---------------------------------------------------------------------------


UNIT_COLUMNS = ["单位", "支部数", "五星支部", "四星支部", "四星/五星占比", "目标五星支部", "目标星·推进正常", "目标星·有风险",
                "本年被摘星", "问题总数", "逾期问题", "问题整改率", "平均整改天数", "逾期台账任务", "本月红旗", "本月黑旗"]


def unit_row(name: str, figures: dict) -> list:
    by_rating = figures.get("held_by_rating") or {}
    cells = cell_totals(figures)
    rate, days = closure(figures)
    return [
        name, int(figures.get("branches") or 0), int(by_rating.get("5") or 0), int(by_rating.get("4") or 0),
        geo.percent(geo.share_high(figures)), int((figures.get("targeted_by_rating") or {}).get("5") or 0),
        cells.get(states.ON_TRACK, 0), cells.get(states.AT_RISK, 0), cells.get(states.WITHDRAWN, 0),
        _n(figures, "problems", "total"), _n(figures, "problems", "overdue"), rate, days,
        _n(figures, "tasks", "overdue"), _n(figures, "flags", "red"), _n(figures, "flags", "black"),
    ]


def children_rows(data: dict):
    for child in data.get("children") or []:
        yield unit_row(_name(child["unit"]), child.get("figures") or {})


def trend_rows(data: dict):
    for point in data.get("trend") or []:
        by_rating = point.get("by_rating") or {}
        yield [point.get("round", ""), *[int(by_rating.get(str(r)) or 0) for r in range(6)]]


TREND_COLUMNS = ["评星轮次", *[RATING_LABELS[str(r)] for r in range(6)]]


def map_for(data: dict, *, width: int = 900, height: int = 640) -> dict:
    """The map of a unit board's children (the board's own children list: no further query)."""
    children = [{"id": c["unit"].pk, "name": c["unit"].name, "display_name": _name(c["unit"]),
                 "figures": c.get("figures") or {}, "url": c.get("url", "")} for c in data.get("children") or []]
    return geo.map_doc(data["unit"].name, children, width=width, height=height)


def unit_doc(data: dict) -> dict:
    unit, year, figures = data["unit"], data["year"], data.get("figures") or {}
    level_below = {Level.PROVINCE: "各市", Level.CITY: "各县（市、区）", Level.COUNTY: "各乡镇"}.get(unit.level, "下级单位")
    tables = [{"title": f"{level_below}对比", "columns": UNIT_COLUMNS, "rows": list(children_rows(data))}]
    trend = list(trend_rows(data))
    if trend:
        tables.append({"title": "历轮评星分布", "columns": TREND_COLUMNS, "rows": trend})
    doc_map = map_for(data, width=900, height=600)
    return {
        "title": f"{_name(unit)} {year} 年度挂图作战",
        "subtitle": f"{updated_text(data.get('updated_at'))} · 导出于 {timezone.localtime():%Y-%m-%d %H:%M}",
        "figures": headline(figures),
        "legend": [{"colour": item["colour"], "label": f"四星/五星占比 {item['label']}", "mark": ""} for item in geo.legend()],
        "tables": tables, "map": doc_map, "notes": doc_map["notes"],
    }


def unit_workbook(data: dict):
    wb = xlsx.write_only_workbook()
    _sheet(wb, "下级单位对比", UNIT_COLUMNS, children_rows(data))
    _sheet(wb, "本级合计", UNIT_COLUMNS, [unit_row(_name(data["unit"]), data.get("figures") or {})])
    _sheet(wb, "历轮评星分布", TREND_COLUMNS, trend_rows(data))
    _sheet(wb, "说明", ["项目", "内容"], [["单位", _name(data["unit"])], ["年度", data["year"]],
                                      ["数据", updated_text(data.get("updated_at"))]])
    return xlsx.save_to_tempfile(wb)


# -- every village under a county, city or province (background job) ----------------------------------


VILLAGE_CHUNK = 100  # towns per step: ~3,000 villages' facts in memory at a time


def towns_under(user, unit) -> list[tuple[int, str]]:
    """(town id, path) of the active towns under `unit` that `user` sees, in a fixed order (the job's steps)."""
    return list(OrgUnit.objects.visible_to(user).filter(path__startswith=unit.path, level=Level.TOWN, active=True)
                .order_by("path").values_list("id", "path"))


def star_names_for(unit) -> dict[str, str]:
    from fivestar.planning.services.stars import StarCatalog

    return StarCatalog(unit).names()


def village_columns(star_names: dict[str, str]) -> list[str]:
    return ["县（市、区）", "乡镇（街道）", "村（社区）", "代码", "片区", "类别", *star_names.values(), "已获星数", "目标星级",
            "目标星"]


def village_rows(user, town_ids: list[int], year: int, star_names: dict[str, str]):
    """The rows of every village of these towns, in code order, with a fixed number of queries."""
    from .. import facts as board_facts

    village_facts = board_facts.load(town_ids, year)
    villages = (OrgUnit.objects.visible_to(user).filter(parent_id__in=town_ids, level=Level.VILLAGE, active=True)
                .select_related("parent__parent", "area").order_by("code")
                .only("id", "code", "display_name", "name", "category", "area__name",
                      "parent__display_name", "parent__name", "parent__parent__display_name", "parent__parent__name"))
    for village in villages:
        f = village_facts.get(village.pk)
        if f is None:
            continue
        cells = [state_text(board_facts.cell(f, code)) for code in star_names]
        yield [
            _name(village.parent.parent) if village.parent and village.parent.parent else "",
            _name(village.parent), _name(village), village.code, village.area.name if village.area else "",
            _category(village.category), *cells, min(len(f.held), 5), f.target_rating or "",
            "、".join(star_names.get(c, c) for c in f.target_stars),
        ]


def filename(unit, year: int, what: str, ext: str) -> str:
    stamp = datetime.datetime.now().strftime("%Y%m%d")
    return f"{_name(unit)}{year}年度{what}_{stamp}.{ext}"
