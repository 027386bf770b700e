"""Pages under /boards/ (挂图作战): the user's own board, a town's matrix, a county's, city's or province's roll-up,
and one cell's detail. Thin: the selectors read and scope everything."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit

from . import matrix_html, params, selectors, states


@login_required
def index(request):
    """The user's own board (the highest unit they oversee), shown in place so the menu entry opens a page."""
    top = selectors.top_unit(request.user)
    if top is None:
        raise PermissionDenied("挂图作战面向乡镇及以上的管理人员。")
    return town(request, top.pk) if top.level == Level.TOWN else unit(request, top.pk)


def _unit(pk, **kw):
    return get_object_or_404(OrgUnit.objects.select_related("parent"), pk=pk, **kw)


@login_required
def town(request, pk):
    unit = _unit(pk)
    if unit.level != Level.TOWN:
        if unit.level < Level.TOWN:
            return redirect(selectors.board_url(unit))
        raise Http404
    g = request.GET
    year = params.year_of(g.get("year"))
    board = selectors.town_board(request.user, unit, year, area=params.area_of(g.get("area")),
                                 category=params.category_of(g.get("category")), star=params.star_of(g.get("star")))
    figures = board["figures"] or {}
    star_rows = [{"code": code, "name": name, "cells": (figures.get("cells") or {}).get(code, {}),
                  "held": (figures.get("held_by_star") or {}).get(code, 0),
                  "targeted": (figures.get("targeted_by_star") or {}).get(code, 0),
                  "plan": ((board["plan"] or {}).get("star_counts") or {}).get(code)} for code, name in board["stars"]]
    ratings = [{"rating": r, "held": (figures.get("held_by_rating") or {}).get(str(r), 0),
                "targeted": (figures.get("targeted_by_rating") or {}).get(str(r), 0),
                "plan": ((board["plan"] or {}).get("rating_counts") or {}).get(str(r))} for r in range(5, -1, -1)]
    return render(request, "boards/town.html", {"b": board, "page_title": f"挂图作战 · {unit.display_name}",
                                                "breadcrumbs": _crumbs(request.user, unit), "years": _years(),
                                                "star_rows": star_rows, "ratings": ratings, "branches": figures.get("branches") or 0,
                                                "matrix_body": matrix_html.body(board["rows"], board["columns"]),
                                                "col_totals": [board["counts"][code] for code, _ in board["columns"]]})


@login_required
def unit(request, pk):
    unit = _unit(pk)
    if unit.level == Level.TOWN:
        return redirect(selectors.board_url(unit) + (f"?{request.GET.urlencode()}" if request.GET else ""))
    if unit.level > Level.TOWN:
        raise Http404
    year = params.year_of(request.GET.get("year"))
    board = selectors.unit_board(request.user, unit, year, q=request.GET.get("q", "")[:50], page=request.GET.get("page"))
    figures = board["figures"] or {}
    plan = board["plan"] or {}
    star_rows = [{"code": code, "name": name, "held": (figures.get("held_by_star") or {}).get(code, 0),
                  "targeted": (figures.get("targeted_by_star") or {}).get(code, 0), "plan": (plan.get("star_counts") or {}).get(code),
                  "cells": (figures.get("cells") or {}).get(code, {})}
                 for code, name in board["star_names"].items()]
    ratings = [{"rating": r, "held": (figures.get("held_by_rating") or {}).get(str(r), 0),
                "targeted": (figures.get("targeted_by_rating") or {}).get(str(r), 0),
                "plan": (plan.get("rating_counts") or {}).get(str(r))} for r in range(5, -1, -1)]
    for row in board["children"]:
        f = row["figures"] or {}
        row["held_45"] = row["derived"].get("four_five", 0)
        row["at_risk"] = sum((c or {}).get("at_risk", 0) for c in (f.get("cells") or {}).values())
        row["withdrawn"] = sum((c or {}).get("withdrawn", 0) for c in (f.get("cells") or {}).values())
    for point in board["trend"]:
        total = point["total"] or 1
        point["bars"] = [{"rating": r, "n": point["by_rating"].get(str(r), 0), "pct": round(100 * point["by_rating"].get(str(r), 0) / total, 1)}
                         for r in range(5, -1, -1)]
    return render(request, "boards/unit.html", {"b": board, "page_title": f"挂图作战 · {unit.display_name}", "years": _years(),
                                                "breadcrumbs": _crumbs(request.user, unit), "star_rows": star_rows,
                                                "ratings": ratings, "branches": figures.get("branches") or 0})


@login_required
def cell(request, village, code):
    v = _unit(village, level=Level.VILLAGE)
    year = params.year_of(request.GET.get("year"))
    detail = selectors.cell_detail(request.user, v, code[:20], year)
    crumbs = _crumbs(request.user, v.parent) if selectors.can_see_town(request.user, v.parent) else []
    if crumbs:
        crumbs[-1]["url"] = selectors.board_url(v.parent) + f"?year={year}"
    crumbs.append({"label": f"{v.display_name} · {detail['star'][1]}", "url": ""})
    return render(request, "boards/cell.html", {"d": detail, "page_title": f"{v.display_name} · {detail['star'][1]}",
                                                "breadcrumbs": crumbs, "style": {s["code"]: s for s in states.legend()}[detail["cell"]["state"]]})


def _crumbs(user, unit) -> list[dict]:
    units = selectors.breadcrumbs(user, unit)
    return [{"label": u.display_name, "url": "" if u.pk == unit.pk else selectors.board_url(u)} for u in units]


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 4, -1))
